import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { AI_ROUTE_CAPABILITY } from "../../../src/wire/go/capabilities.ts";
import {
  type GoWireNode,
  h2Request,
  paidAiHeaders,
  spawnReadyRunner,
  startGoWireNode,
} from "../../helpers/go-wire.ts";
import { TINY_LLM_FILES, writeTinyLlm } from "../../helpers/tiny-llm.ts";

// go-livepeer's /llm on this orchestrator's wire, paid with tickets like a go-livepeer gateway pays,
// served by a runner whose manifest holds a tiny language model: "stream": false answers the
// LLMResponse JSON, "stream": true go-livepeer's text/event-stream, one `data: <LLMResponse>` event
// per generated piece and the last with finish_reason, whose pieces make the JSON's content.

const MODEL = "test/tiny-llm";
let node: GoWireNode;
let runner: Subprocess<"ignore", "pipe", "inherit">;
let http: ReturnType<typeof Bun.serve>;
let nonce = 1;

beforeAll(async () => {
  node = await startGoWireNode("https://127.0.0.1:0", {
    runner: false,
    prices: [{ capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" }],
  });
  const models = join(node.edge.dir, "llm-models");
  mkdirSync(models, { recursive: true });
  const folder = writeTinyLlm(join(models, "tiny-llm"));
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const files = Object.entries(TINY_LLM_FILES).map(([role, name]) => ({
    role,
    path: join("tiny-llm", name),
    sha256: sha(join(folder, name)),
  }));
  writeFileSync(
    join(models, "manifest.json"),
    JSON.stringify({
      version: 2,
      models: [
        {
          pipeline: "llm",
          modelId: MODEL,
          kind: "llm",
          format: "transformers",
          files,
          warm: true,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ],
    }),
  );
  http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => node.edge.app.fetch(req) });
  const token = node.edge.deps.config.orchestrators[0]!.runnerTokens[0]!;
  runner = await spawnReadyRunner(`http://127.0.0.1:${http.port}`, token, models);
}, 120_000);
afterAll(async () => {
  if (runner && runner.exitCode === null) {
    runner.kill("SIGTERM");
    await runner.exited;
  }
  http?.stop(true);
  await node?.stop();
}, 60_000);

async function llm(body: Record<string, unknown>) {
  return h2Request(node.go.url, {
    path: "/llm",
    headers: await paidAiHeaders(node.go.url, `${AI_ROUTE_CAPABILITY.llm}_${MODEL}`, nonce++),
    body: new TextEncoder().encode(
      JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Hi." }], temperature: 0, ...body }),
    ),
  });
}

test("/llm: LLMResponse JSON, or with stream true the same completion as server-sent events", async () => {
  const plain = await llm({ max_tokens: 5, stream: false });
  expect(plain.status).toBe(200);
  expect(String(plain.headers["content-type"])).toContain("application/json");
  const body = JSON.parse(new TextDecoder().decode(plain.body)) as {
    choices: { message: { content: string }; finish_reason: string }[];
    usage: { completion_tokens: number };
    deltas?: unknown;
  };
  expect(body.usage.completion_tokens).toBe(5);
  expect(body.choices[0]!.finish_reason).toBe("length");
  expect(body.deltas).toBeUndefined();

  const streamed = await llm({ max_tokens: 5, stream: true });
  expect(streamed.status).toBe(200);
  expect(String(streamed.headers["content-type"])).toContain("text/event-stream");
  const events = new TextDecoder()
    .decode(streamed.body)
    .split("\n\n")
    .filter((e) => e.length > 0)
    .map((e) => {
      expect(e.startsWith("data: ")).toBe(true);
      return JSON.parse(e.slice(6)) as {
        choices: { delta: { content: string }; finish_reason: string | null }[];
      };
    });
  expect(events.at(-1)!.choices[0]!.finish_reason).toBe("length");
  // Greedy decoding is deterministic: the same prompt gives the same completion both times.
  expect(events.map((e) => e.choices[0]!.delta.content).join("")).toBe(body.choices[0]!.message.content);
}, 120_000);
