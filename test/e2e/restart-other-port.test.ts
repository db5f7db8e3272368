import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type LocalNetwork, startNetwork } from "../helpers/network.ts";

// The README's scenario: `npm start`, stop, then `PORT=<another> npm start` on the same .data/,
// and `PORT=<another> npm run example` succeeds. The orchestrators' service URIs on the ledger still
// name the first port until the second start brings them in line with its public URL.

const dataDir = mkdtempSync(join(tmpdir(), "lp-restart-"));
let net: LocalNetwork | undefined;
afterAll(async () => {
  await net?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const npmStart = { RUNNERS: "1", RUNNER_ORCHESTRATORS: "3", RUNNER_CAPACITY: "2" };

test("npm start on another port over the same data: service URIs follow and the example job succeeds", async () => {
  const first = await startNetwork(npmStart, { dataDir });
  await first.stop();

  let port = freePort();
  while (first.url.endsWith(`:${port}`)) port = freePort();
  net = await startNetwork({ ...npmStart, PORT: String(port) }, { dataDir });
  expect(net.url).toBe(`http://127.0.0.1:${port}`);

  const { orchestrators } = (await (await fetch(`${net.url}/v1/protocol/orchestrators`)).json()) as {
    orchestrators: { address: string; hosted: boolean; serviceURI: string }[];
  };
  const hosted = orchestrators.filter((o) => o.hosted);
  expect(hosted).toHaveLength(3);
  for (const o of hosted) expect(o.serviceURI).toBe(net.url);

  // `npm run example` with only PORT set, as the README says.
  const { EDGE_URL: _, ...env } = process.env;
  const example = Bun.spawn([process.execPath, "scripts/example.ts"], {
    env: { ...env, PORT: String(port) },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(example.stdout).text(),
    new Response(example.stderr).text(),
    example.exited,
  ]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  expect(out).toMatch(/Transcode \(3-rendition ladder\): job job_\S+ succeeded/);
  expect(out).toMatch(/AI image-to-text \(tiny colour classifier\): job job_\S+ succeeded/);
  expect(out).toContain(`${net.url}/v1/jobs/`);
}, 240_000);
