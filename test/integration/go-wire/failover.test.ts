import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import {
  getConsumerJob,
  submitConsumerJob,
  waitForConsumerJob,
} from "../../../src/edge/services/consumer/jobs.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { ffprobePixelCounter } from "../../../src/node-runner/ffmpeg/pixel-count.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { GO_TEXT } from "../../../src/wire/go/status.ts";
import {
  genesisAccount,
  genesisKey,
  makeEdge,
  runnerOrchestratorConfig,
  type TestEdge,
} from "../../helpers/edge.ts";
import { type GoHostile, startGoHostile } from "../../helpers/go-hostile.ts";
import { spawnReadyRunner } from "../../helpers/go-wire.ts";
import { makeClip, tempDir } from "../../helpers/media.ts";

// go-livepeer's retry and failover rules, read from the orchestrator's error text, through the
// consumer job path: a go-wire listener over a real orchestrator edge (with a node-runner)
// answers a paid request with go-livepeer's exact text when the test says so and serves the
// rest for real. The gateway's books and the orchestrator's stay equal to the wei throughout.

const FACE = 2_000_000_000_000n;
const sender = genesisAccount(0).address.toLowerCase() as Address;

let orch: TestEdge;
let gw: TestEdge;
let hostile: GoHostile;
let runner: Subprocess<"ignore", "pipe", "inherit">;
let http: ReturnType<typeof Bun.serve>;
let clip: Uint8Array;
let recipient: Address;
const tmp = tempDir("go-failover-");

beforeAll(async () => {
  const token = `go-failover-runner-${crypto.randomUUID()}`;
  const base = runnerOrchestratorConfig(token);
  orch = await makeEdge({
    ...base,
    orchestrators: base.orchestrators!.map((o) => ({
      ...o,
      ticket: { ev: FACE.toString(), maxFaceValue: FACE.toString() },
    })),
  });
  http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => orch.app.fetch(req) });
  hostile = await startGoHostile(orch.deps);
  runner = await spawnReadyRunner(`http://127.0.0.1:${http.port}`, token, join(orch.dir, "models"));
  gw = await makeEdge(
    { roles: ["gateway"], gateway: { senderPrivateKey: genesisKey(0), goWire: { orchAddr: [hostile.url] } } },
    { dbUrl: orch.dbUrl, overrides: { pixelCounter: ffprobePixelCounter() } },
  );
  recipient = orch.deps.services.hosted[0]!.address.toLowerCase() as Address;
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
  );
}, 120_000);

afterAll(async () => {
  if (runner && runner.exitCode === null) {
    runner.kill("SIGTERM");
    await runner.exited;
  }
  await hostile?.stop();
  http?.stop(true);
  await gw?.close();
  await orch?.close();
  tmp.cleanup();
}, 60_000);

beforeEach(() => {
  hostile.seen.length = 0;
  hostile.answer = () => null;
});

async function transcode() {
  const id = await submitConsumerJob(gw.deps, {
    spec: {
      kind: "transcode",
      input: "segment",
      profiles: [PRESETS.P144p30fps16x9!],
      format: "mpegts",
    },
    inputs: [{ name: "segment", bytes: clip, contentType: "video/mp2t" }],
    units: 1n,
  });
  await waitForConsumerJob(gw.deps, id, 60_000);
  return (await getConsumerJob(gw.deps, id))!;
}

const failures = () => gw.deps.services.discovery.suspensions[recipient]?.failures ?? 0;

async function expectBooksEqual() {
  expect(await getGatewayBalance(gw.deps, recipient)).toBe(await getBalance(orch.deps, recipient, sender));
}

describe("go-livepeer's retry rules through the consumer job path", () => {
  test.each([
    [GO_TEXT.ticketParamsExpired, 400],
    [GO_TEXT.insufficientBalance, 400],
  ])(
    "%p: fresh params, paid again, and the same orchestrator does the work",
    async (text, status) => {
      hostile.answer = (n) => (n === 1 ? { status, text } : null);
      const before = failures();
      const job = await transcode();
      expect(job.status).toBe("succeeded");
      expect(job.attempts).toHaveLength(1);
      expect(hostile.seen.map((s) => s.status)).toEqual([status, "served"]);
      expect(failures()).toBeLessThanOrEqual(before);
      await expectBooksEqual();
    },
    60_000,
  );

  test("TicketParams expired every time: three retries, then the attempt fails and counts", async () => {
    hostile.answer = () => ({ status: 400, text: GO_TEXT.ticketParamsExpired });
    const before = failures();
    const job = await transcode();
    expect(job.status).toBe("failed");
    expect(hostile.seen).toHaveLength(4);
    expect(job.attempts[0]!.error).toContain(GO_TEXT.ticketParamsExpired);
    expect(failures()).toBe(before + 1);
    await expectBooksEqual();
  }, 60_000);

  test.each([
    [GO_TEXT.insufficientCapacity, 503],
    [`${GO_TEXT.nonceAlreadySeen} 1`, 400],
  ])(
    "%p: the next orchestrator, no failure counted against this one",
    async (text, status) => {
      hostile.answer = () => ({ status, text });
      const before = failures();
      const job = await transcode();
      // It is the only one configured: the job fails with its text.
      expect(job.status).toBe("failed");
      expect(hostile.seen).toHaveLength(1);
      expect(job.attempts[0]!.error).toContain(text);
      expect(failures()).toBe(before);
      await expectBooksEqual();
    },
    60_000,
  );

  test.each([
    [GO_TEXT.orchCapped, 403],
    [GO_TEXT.orchBusy, 503],
  ])(
    "%p: the session is dropped and the failure counts",
    async (text, status) => {
      hostile.answer = () => ({ status, text });
      const before = failures();
      const job = await transcode();
      expect(job.status).toBe("failed");
      expect(hostile.seen).toHaveLength(1);
      expect(job.attempts[0]!.error).toContain(text);
      expect(failures()).toBe(before + 1);
      await expectBooksEqual();
    },
    60_000,
  );
});

describe("ledger discovery of the go wire (gateway.goWire.ledgerProbe)", () => {
  test("an active orchestrator whose service URI answers only GetOrchestrator gets the job", async () => {
    // A second gateway on the same ledger, with no orchAddr: it finds the orchestrator on the ledger.
    const probing = await makeEdge(
      { roles: ["gateway"], gateway: { senderPrivateKey: genesisKey(0), goWire: { ledgerProbe: true } } },
      { dbUrl: orch.dbUrl, overrides: { pixelCounter: ffprobePixelCounter() } },
    );
    try {
      await orch.deps.ledger.setServiceURI(recipient, hostile.url);
      expect(await orch.deps.ledger.getServiceURI(recipient)).toBe(hostile.url);
      const id = await submitConsumerJob(probing.deps, {
        spec: { kind: "transcode", input: "segment", profiles: [PRESETS.P144p30fps16x9!], format: "mpegts" },
        inputs: [{ name: "segment", bytes: clip, contentType: "video/mp2t" }],
        units: 1n,
      });
      await waitForConsumerJob(probing.deps, id, 60_000);
      const job = (await getConsumerJob(probing.deps, id))!;
      expect(job.status).toBe("succeeded");
      expect(job.orchestrator).toBe(recipient);
      expect(job.engine).toStartWith("go-livepeer wire");
      expect(hostile.seen).toEqual([{ path: "/segment", status: "served" }]);
      // Its JSON info failing counted nothing against it: it answered on the go wire.
      expect(probing.deps.services.discovery.suspensions[recipient]?.failures ?? 0).toBe(0);
    } finally {
      await probing.close();
    }
  }, 60_000);
});
