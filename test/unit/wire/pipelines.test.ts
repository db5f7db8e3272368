import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { count } from "drizzle-orm";
import { z } from "zod";
import { consumerJobs } from "../../../src/edge/db/schema/jobs.ts";
import { modelKinds } from "../../../src/node-runner/ai/manifest.ts";
import { PIPELINES as EXECUTORS } from "../../../src/node-runner/ai/pipelines/index.ts";
import { writeDefaultModels } from "../../../src/node-runner/models/build.ts";
import {
  AI_PIPELINE_NAMES,
  type Measured,
  PIPELINE_NAMES,
  PIPELINES,
  type PipelineName,
} from "../../../src/wire/pipelines.ts";
import { makeEdge, type TestEdge, tempDir } from "../../helpers/edge.ts";

// A measured request per pipeline and the units go-livepeer bills for it.
const SAMPLES: Record<PipelineName, { m: Measured; units: bigint }> = {
  transcode: {
    m: {
      video: { renditions: [{ width: 256, height: 144, fps: 30 }], durationSec: 2.0005 },
      params: { profiles: "P144p30fps16x9" },
    },
    units: (256n * 144n * 30n * 2001n + 999n) / 1000n,
  },
  "text-to-image": {
    m: { params: { prompt: "a cat", width: "1024", height: 768, num_images_per_prompt: 2 } },
    units: 1024n * 768n * 2n,
  },
  "image-to-image": {
    m: { image: { width: 640, height: 480 }, params: { num_images_per_prompt: "3" } },
    units: 640n * 480n * 3n,
  },
  upscale: { m: { image: { width: 256, height: 256 }, params: {} }, units: 65_536n },
  "segment-anything-2": { m: { image: { width: 100, height: 50 }, params: {} }, units: 5_000n },
  "image-to-text": { m: { image: { width: 10, height: 10 }, params: {} }, units: 100n },
  "image-to-video": { m: { image: { width: 640, height: 480 }, params: {} }, units: 1024n * 576n * 25n },
  "audio-to-text": { m: { audioMs: 2_500.2, params: {} }, units: 2_501n },
  llm: { m: { params: {} }, units: 256n },
  "text-to-speech": { m: { params: { text: "x".repeat(42) } }, units: 42_000n },
};

describe("pipeline registry", () => {
  test("every entry is priced: its units as go-livepeer bills them, and a default price", () => {
    for (const name of PIPELINE_NAMES) {
      const p = PIPELINES[name];
      const sample = SAMPLES[name];
      const params = p.params.parse(sample.m.params);
      expect([name, p.units({ ...sample.m, params })]).toEqual([name, sample.units]);
      expect(p.defaultPricePerUnit).toBeGreaterThan(0n);
      expect(p.priceKey).toBe(name);
    }
  });

  test("image-to-video bills the requested output size × 25 frames, not the input image's", () => {
    const p = PIPELINES["image-to-video"];
    const params = p.params.parse({ width: "512", height: "320" });
    expect(p.units({ image: { width: 64, height: 64 }, params })).toBe(512n * 320n * 25n);
  });

  test("a measurement the units need but did not get is refused, not billed as zero", () => {
    expect(() => PIPELINES.upscale.units({ params: {} })).toThrow(RangeError);
    expect(() => PIPELINES["audio-to-text"].units({ params: {} })).toThrow(RangeError);
  });

  test("every entry with a runner executor is served by the runner's table and its built-in models", async () => {
    const tmp = tempDir("registry-models-");
    const path = await writeDefaultModels(join(tmp.dir, "models"));
    const manifest = (await Bun.file(path).json()) as { models: { pipeline: string; kind: string }[] };
    tmp.cleanup();
    const served = PIPELINE_NAMES.filter((n) => PIPELINES[n].executor && PIPELINES[n].kind === "ai");
    expect(served.length).toBeGreaterThan(0);
    for (const name of served) {
      const executor = PIPELINES[name].executor!;
      expect(modelKinds as readonly string[]).toContain(executor);
      expect(typeof EXECUTORS[executor as keyof typeof EXECUTORS]).toBe("function");
      // audio-to-text's and segment-anything-2's models ship in npm packages; llm's,
      // text-to-speech's, text-to-image's and image-to-video's are the operator's only (no built-in
      // model: not served until one is named); the others are built here.
      const model = manifest.models.find((m) => m.pipeline === name);
      const operators = ["llm", "text-to-speech", "text-to-image", "image-to-video"].includes(name);
      const elsewhere = name === "audio-to-text" || name === "segment-anything-2" || operators;
      if (operators) expect(model).toBeUndefined();
      if (model || !elsewhere) expect([name, model?.kind]).toEqual([name, executor]);
    }
    // And nothing the runner serves is missing from the registry.
    for (const m of manifest.models) expect(PIPELINE_NAMES as string[]).toContain(m.pipeline);
  });
});

describe("consumer input checks read the registry", () => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await makeEdge();
  });
  afterAll(() => edge.close());

  const post = async (path: string, body: BodyInit, type?: string) => {
    const res = await edge.app.request(path, {
      method: "POST",
      body,
      ...(type ? { headers: { "content-type": type } } : {}),
    });
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
  };

  test("a name the registry lacks is refused with UNKNOWN_PIPELINE, and so is transcode under /v1/ai", async () => {
    for (const name of ["make-coffee", "transcode", "__proto__"]) {
      const r = await post(`/v1/ai/${name}`, "{}", "application/json");
      expect([name, r.status, r.body.code]).toEqual([name, 404, "UNKNOWN_PIPELINE"]);
    }
  });

  test("every AI pipeline refuses a request without its file or with bad fields, creating no job", async () => {
    for (const name of AI_PIPELINE_NAMES) {
      const p = PIPELINES[name];
      const schema = z.toJSONSchema(p.params, { io: "input" }) as { properties?: Record<string, unknown> };
      // Every declared field set to an object: no string, number or count accepts that.
      const bad = Object.fromEntries(Object.keys(schema.properties ?? {}).map((k) => [k, { no: 1 }]));
      if (!p.file) expect([name, Object.keys(bad).length]).not.toEqual([name, 0]);
      const r = await post(`/v1/ai/${name}`, JSON.stringify(bad), "application/json");
      expect([name, r.status, r.body.code]).toEqual([name, 400, "INVALID_INPUT"]);
    }
    const [jobs] = await edge.deps.db.select({ n: count() }).from(consumerJobs);
    expect(jobs?.n).toBe(0);
  });
});
