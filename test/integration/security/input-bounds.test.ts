// Issue 9, break 12: out-of-range amounts and model floods are bad input (400), never a 500 or a bloat.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CapabilitiesSchema, MAX_RUNNER_MODELS } from "../../../src/wire/capabilities.ts";
import { uint256Decimal } from "../../../src/wire/decimal.ts";
import { TicketParamsSchema } from "../../../src/wire/payment.ts";
import { json, makeEdge, runnerOrchestratorConfig, type TestEdge } from "../../helpers/edge.ts";

const TOKEN = "input-bounds-runner-token-0001";
const config = runnerOrchestratorConfig(TOKEN);
let edge: TestEdge;
beforeAll(async () => {
  edge = await makeEdge(config);
});
afterAll(() => edge.close());

const UINT256_MAX = ((1n << 256n) - 1n).toString();

describe("uint256 amounts", () => {
  test("78 digits past 2^256 − 1 are refused by the schema; 2^256 − 1 itself passes", () => {
    expect(UINT256_MAX).toHaveLength(78);
    expect(uint256Decimal.safeParse(UINT256_MAX).success).toBe(true);
    expect(uint256Decimal.safeParse("9".repeat(78)).success).toBe(false);
    expect(uint256Decimal.safeParse("-1x").success).toBe(false); // refused, not thrown
    const params = TicketParamsSchema.shape.faceValue.safeParse("9".repeat(78));
    expect(params.success).toBe(false);
  });
});

describe("runner registration", () => {
  const register = (models: unknown[]) =>
    edge.app.request("/runner/v1/register", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        ffmpeg: null,
        gpus: [],
        onnx: [],
        models,
        capabilities: ["transcode"],
        capacity: 1,
      }),
    });
  const model = (i: number) => ({ pipeline: "image-to-text", modelId: `m${i}`, warm: false });

  test(`more than ${MAX_RUNNER_MODELS} models is a 400 and registers nothing`, async () => {
    const flood = Array.from({ length: 50_000 }, (_, i) => model(i));
    expect(
      CapabilitiesSchema.safeParse({
        ffmpeg: null,
        gpus: [],
        onnx: [],
        models: flood,
        capabilities: [],
        capacity: 1,
      }).success,
    ).toBe(false);
    const res = await register(flood);
    expect(res.status).toBe(400);
    const info = await edge.app.request("/v1/orchestrator/info");
    expect(JSON.stringify(await info.text())).not.toContain("m49999");
  });

  test("a runner with a normal model list still registers", async () => {
    const res = await register([model(1)]);
    expect(res.status).toBe(200);
    await json(res);
  });
});
