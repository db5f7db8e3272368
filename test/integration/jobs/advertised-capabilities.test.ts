import { afterEach, expect, test } from "bun:test";
import { privateKeyToAddress } from "viem/accounts";
import type { EdgeConfigInput } from "../../../src/edge/config.ts";
import { goWireContext } from "../../../src/edge/go-wire/context.ts";
import { goOrchestratorInfo } from "../../../src/edge/go-wire/info.ts";
import { checkExpectedPrice } from "../../../src/edge/services/tickets/price.ts";
import { AI_ROUTE_CAPABILITY } from "../../../src/wire/go/capabilities.ts";
import { genesisKey, makeEdge, runnerOrchestratorConfig, type TestEdge } from "../../helpers/edge.ts";

// What an orchestrator advertises is transcode's configured price plus what its live runners serve,
// from an edge's first request on: no earlier request to the runner routes is needed.

const TOKEN = "capabilities-runner-token-0001";
const SENDER = privateKeyToAddress(genesisKey(0));
const config = runnerOrchestratorConfig(TOKEN);

const edges: TestEdge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0).reverse()) await e.close();
});

async function advertised(edge: TestEdge): Promise<string[]> {
  const res = await edge.app.request(`/v1/orchestrator/info?sender=${SENDER}`);
  expect(res.status).toBe(200);
  const info = (await res.json()) as { capabilities: { capability: string; modelId?: string }[] };
  return info.capabilities.map((c) => (c.modelId ? `${c.capability}/${c.modelId}` : c.capability)).sort();
}

test("a fresh edge advertises its runners' capabilities on its first request, and follows registrations", async () => {
  const first = await makeEdge(config);
  edges.push(first);
  expect(await advertised(first)).toEqual(["transcode"]); // no runner yet: the prices only

  const reg = await first.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [{ pipeline: "image-to-text", modelId: "tiny", warm: true }],
      capabilities: ["transcode", "image-to-text"],
      capacity: 1,
    }),
  });
  expect(reg.status).toBe(200);
  const withRunner = ["image-to-text", "image-to-text/tiny", "transcode"];
  expect(await advertised(first)).toEqual(withRunner);

  // A second edge on the same database (a restart, or another replica): its very first request
  // is the info one, and it already sees the runner registered through the first edge.
  const second = await makeEdge(config, { dbUrl: first.dbUrl, overrides: { syncServiceURIs: false } });
  edges.push(second);
  expect(await advertised(second)).toEqual(withRunner);
});

test("an AI pipeline a runner names without a model for it is not advertised", async () => {
  const edge = await makeEdge(config);
  edges.push(edge);
  const reg = await edge.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [{ pipeline: "upscale", modelId: "x2", warm: false }],
      capabilities: ["transcode", "upscale", "llm", "text-to-speech"],
      capacity: 1,
    }),
  });
  expect(reg.status).toBe(200);
  expect(await advertised(edge)).toEqual(["transcode", "upscale", "upscale/x2"]);
});

// A configured price is a price, not an offer: the AI pipelines it names are advertised (JSON info
// and the go-livepeer wire's GetOrchestrator) only once a live runner registers a model for them,
// and then at the price the precedence in docs/models.md#prices gives.
const pricedConfig = (token: string): Partial<EdgeConfigInput> => ({
  roles: ["orchestrator"],
  orchestrators: [
    {
      privateKey: genesisKey(1),
      serviceURI: "http://127.0.0.1:1",
      runnerTokens: [token],
      prices: [
        { capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" },
        { capability: "upscale", modelId: "m1", pricePerUnit: "5", pixelsPerUnit: "1" },
        { capability: "image-to-text", pricePerUnit: "9", pixelsPerUnit: "1" },
        { capability: "llm", pricePerUnit: "3", pixelsPerUnit: "1" },
      ],
    },
  ],
});

interface PriceRow {
  capability: string;
  modelId?: string;
  pricePerUnit: string;
  pixelsPerUnit: string;
}

async function info(edge: TestEdge, pin = "") {
  const res = await edge.app.request(`/v1/orchestrator/info?sender=${SENDER}${pin}`);
  return { status: res.status, body: (await res.json()) as { prices: PriceRow[]; priceInfo: unknown } };
}

function goWire(edge: TestEdge) {
  const ctx = goWireContext({
    deps: edge.deps,
    serviceUri: "http://127.0.0.1:1",
    countPixels: async () => 0n,
  });
  return goOrchestratorInfo(ctx, SENDER, ctx.tokens.issue(), null);
}

function goModels(gi: Awaited<ReturnType<typeof goWire>>, pipeline: string): string[] {
  const bit = AI_ROUTE_CAPABILITY[pipeline]!;
  return Object.keys(gi.capabilities?.constraints?.PerCapability[bit]?.models ?? {}).sort();
}

function goHasBit(gi: Awaited<ReturnType<typeof goWire>>, pipeline: string): boolean {
  const bit = AI_ROUTE_CAPABILITY[pipeline]!;
  const word = gi.capabilities?.bitstring[Math.floor(bit / 64)] ?? 0n;
  return ((word >> BigInt(bit % 64)) & 1n) === 1n;
}

test("configured AI prices advertise nothing until a runner registers a model; then manifest prices apply unless config names the model", async () => {
  const token = "priced-runner-token-00001";
  const edge = await makeEdge(pricedConfig(token));
  edges.push(edge);

  // No runner: only transcode is advertised and priced, on both wires.
  expect(await advertised(edge)).toEqual(["transcode"]);
  const bare = await info(edge);
  expect(bare.body.prices.map((p) => p.capability)).toEqual(["transcode"]);
  expect((await info(edge, "&capability=upscale&modelId=m1")).status).toBe(422); // CAPABILITY_NOT_FOUND
  const goBare = await goWire(edge);
  for (const p of ["upscale", "image-to-text", "llm"]) {
    expect(goHasBit(goBare, p)).toBe(false);
    expect(goModels(goBare, p)).toEqual([]);
  }
  expect(goBare.capabilitiesPrices.map((p) => p.capability)).toEqual([]);
  expect(
    (
      await checkExpectedPrice(edge.deps, edge.deps.services.hosted[0]!.address, "upscale", "m1", {
        pricePerUnit: 100n,
        pixelsPerUnit: 1n,
      })
    ).ok,
  ).toBe(false);

  // A runner registers m1 (config names it: 5 wins over the manifest's 2), ocr (no config entry
  // for the model: its manifest price 4, not the pipeline's configured 9), and nothing for llm.
  const reg = await edge.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [
        { pipeline: "upscale", modelId: "m1", warm: true, price: { pricePerUnit: "2", pixelsPerUnit: "1" } },
        {
          pipeline: "image-to-text",
          modelId: "ocr",
          warm: true,
          price: { pricePerUnit: "4", pixelsPerUnit: "1" },
        },
      ],
      capabilities: ["transcode", "upscale", "image-to-text", "llm"],
      capacity: 1,
    }),
  });
  expect(reg.status).toBe(200);
  expect(await advertised(edge)).toEqual([
    "image-to-text",
    "image-to-text/ocr",
    "transcode",
    "upscale",
    "upscale/m1",
  ]);
  const row = (p: PriceRow) =>
    `${p.capability}${p.modelId ? `/${p.modelId}` : ""}=${p.pricePerUnit}/${p.pixelsPerUnit}`;
  expect((await info(edge)).body.prices.map(row).sort()).toEqual([
    "image-to-text/ocr=4/1",
    "image-to-text=9/1", // the pipeline's generic entry: its configured price
    "transcode=1/1",
    "upscale/m1=5/1",
    "upscale=5/1", // no configured pipeline price: the highest of its models'
  ]);
  const pinned = await info(edge, "&capability=image-to-text&modelId=ocr");
  expect(pinned.body.priceInfo).toEqual({ pricePerUnit: "4", pixelsPerUnit: "1" });

  const gi = await goWire(edge);
  expect(goHasBit(gi, "upscale")).toBe(true);
  expect(goHasBit(gi, "image-to-text")).toBe(true);
  expect(goHasBit(gi, "llm")).toBe(false);
  expect(goModels(gi, "upscale")).toEqual(["m1"]);
  expect(goModels(gi, "image-to-text")).toEqual(["ocr"]);
  const goPrice = (p: (typeof gi.capabilitiesPrices)[number]) =>
    `${p.capability}/${p.constraint}=${p.pricePerUnit}/${p.pixelsPerUnit}`;
  expect(gi.capabilitiesPrices.map(goPrice)).toContain(`${AI_ROUTE_CAPABILITY["image-to-text"]}/ocr=4/1`);
  expect(gi.capabilitiesPrices.map(goPrice)).toContain(`${AI_ROUTE_CAPABILITY.upscale}/m1=5/1`);

  // The expected-price check uses the same prices: 4 pays for ocr, 3 does not.
  const orch = edge.deps.services.hosted[0]!.address;
  const check = (n: bigint) =>
    checkExpectedPrice(edge.deps, orch, "image-to-text", "ocr", { pricePerUnit: n, pixelsPerUnit: 1n });
  expect((await check(4n)).ok).toBe(true);
  expect(await check(3n)).toMatchObject({ ok: false, code: "PAYMENT_PRICE_TOO_LOW" });
});

test("go-wire ModelConstraint.warm is the runner's load state: reported at registration, then by each lease poll", async () => {
  const edge = await makeEdge(config);
  edges.push(edge);
  const reg = await edge.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [
        { pipeline: "upscale", modelId: "hot", warm: true, loaded: true },
        { pipeline: "upscale", modelId: "cold", warm: false, loaded: false },
        // A runner that reports no load state: its manifest flag stands.
        { pipeline: "image-to-text", modelId: "legacy", warm: true },
      ],
      capabilities: ["upscale", "image-to-text"],
      capacity: 1,
    }),
  });
  expect(reg.status).toBe(200);
  const { runnerId } = (await reg.json()) as { runnerId: string };
  const warmth = async () => {
    const gi = await goWire(edge);
    const per = gi.capabilities?.constraints?.PerCapability ?? {};
    const up = per[AI_ROUTE_CAPABILITY.upscale!]?.models ?? {};
    const it = per[AI_ROUTE_CAPABILITY["image-to-text"]!]?.models ?? {};
    return { hot: up.hot?.warm, cold: up.cold?.warm, legacy: it.legacy?.warm };
  };
  expect(await warmth()).toEqual({ hot: true, cold: false, legacy: true });

  // The cold model ran a job and is loaded; the other was freed: the next poll says so.
  const poll = (loaded: string) =>
    edge.app.request(`/runner/v1/lease?waitMs=0&loaded=${loaded}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "x-runner-id": runnerId },
    });
  expect((await poll("1")).status).toBe(204);
  expect(await warmth()).toEqual({ hot: false, cold: true, legacy: false });
  expect((await poll("")).status).toBe(204);
  expect(await warmth()).toEqual({ hot: false, cold: false, legacy: false });
  expect((await poll("x")).status).toBe(400);
});
