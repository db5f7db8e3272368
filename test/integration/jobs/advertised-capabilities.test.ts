import { afterEach, expect, test } from "bun:test";
import { privateKeyToAddress } from "viem/accounts";
import { genesisKey, makeEdge, runnerOrchestratorConfig, type TestEdge } from "../../helpers/edge.ts";

// What an orchestrator advertises is the configured prices plus what its live runners serve,
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
