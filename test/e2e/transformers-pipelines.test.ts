import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runners } from "../../src/edge/db/schema/jobs.ts";
import { decodePng, encodePng } from "../../src/node-runner/ai/png.ts";
import { type LocalNetwork, startNetwork } from "../helpers/network.ts";
import {
  type TinySdWeights,
  tinySdIds,
  tinySdPixel,
  tinySdTarget,
  writeTinySd,
} from "../helpers/tiny-diffusion.ts";
import { referenceGreedy, TINY_LLM_FILES, writeTinyLlm } from "../helpers/tiny-llm.ts";
import { writeTinySvd } from "../helpers/tiny-svd.ts";
import { TINY_VITS_FILES, TINY_VITS_HOP, writeTinyVits } from "../helpers/tiny-vits.ts";

// The operator-supplied transformers.js pipelines through the whole job path: an app calls the
// gateway's go-livepeer routes, the gateway pays an orchestrator, which queues the job for a
// node-runner process whose manifest holds only a tiny random-weight language model and a tiny VITS
// voice (built here). /llm answers go-livepeer's LLMResponse, or with "stream": true its
// server-sent events, whose text is the model's greedy completion, computed independently by
// running the same ONNX graph step by step; /text-to-speech answers AudioResponse whose URL serves
// the WAV; /text-to-image (a tiny diffusers folder whose image has a closed form) answers
// ImageResponse with each image's seed, its URL serving the PNG the formula predicts; /image-to-video
// (a tiny SVD-shaped folder) answers ImageResponse whose URL serves an H.264 MP4 of its frames.

const MODEL = "test/tiny-llm";
const VOICE = "test/tiny-vits";
const PAINTER = "test/tiny-sd";
const ANIMATOR = "test/tiny-svd";
const messages = [{ role: "user", content: "Hello, model." }];

let net: LocalNetwork;
let folder: string;
let sd: TinySdWeights;

async function reference(maxTokens: number): Promise<string> {
  const t = await import("@huggingface/transformers");
  t.env.allowRemoteModels = false;
  const tokenizer = await t.AutoTokenizer.from_pretrained(folder, { local_files_only: true });
  const ids = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true }) as {
    input_ids: { tolist(): bigint[][] };
  };
  const prompt = ids.input_ids.tolist()[0]!.map(Number);
  const tokens = await referenceGreedy(join(folder, TINY_LLM_FILES.model!), prompt, maxTokens);
  return tokenizer.decode(tokens, { skip_special_tokens: true });
}

beforeAll(async () => {
  net = await startNetwork({ RUNNERS: "0", EXTERNAL_RUNNERS: "1" });
  const models = join(net.dataDir, "models");
  mkdirSync(models, { recursive: true });
  folder = writeTinyLlm(join(models, "tiny-llm"));
  const voice = writeTinyVits(join(models, "tiny-vits"));
  const painter = writeTinySd(join(models, "tiny-sd"));
  sd = painter.weights;
  const animator = writeTinySvd(join(models, "tiny-svd"), { frames: 3 });
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const filesOf = (dir: string, layout: Record<string, string>) =>
    Object.entries(layout).map(([role, name]) => ({
      role,
      path: join(dir.split("/").at(-1)!, name),
      sha256: sha(join(dir, name)),
    }));
  const price = { pricePerUnit: "1000", pixelsPerUnit: "1" };
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
          files: filesOf(folder, TINY_LLM_FILES),
          warm: true,
          price,
        },
        {
          pipeline: "text-to-speech",
          modelId: VOICE,
          kind: "vits",
          format: "transformers",
          files: filesOf(voice, TINY_VITS_FILES),
          price,
        },
        {
          pipeline: "text-to-image",
          modelId: PAINTER,
          kind: "stable-diffusion",
          format: "diffusers",
          files: Object.entries(painter.files).map(([role, path]) => ({
            role,
            path: join("tiny-sd", path.slice(painter.dir.length + 1)),
            sha256: sha(path),
          })),
          price,
          options: { numInferenceSteps: 2 },
        },
        {
          pipeline: "image-to-video",
          modelId: ANIMATOR,
          kind: "stable-video-diffusion",
          format: "diffusers",
          files: Object.entries(animator.files).map(([role, path]) => ({
            role,
            path: join("tiny-svd", path.slice(animator.dir.length + 1)),
            sha256: sha(path),
          })),
          price,
          options: { numInferenceSteps: 2 },
        },
      ],
    }),
  );
  await net.startRunner(0);
}, 300_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

const postLlm = (body: Record<string, unknown>) =>
  fetch(`${net.url}/llm`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages, temperature: 0, ...body }),
  });

describe("llm, text-to-speech and text-to-image with a runner's tiny models", () => {
  test("/llm answers LLMResponse with the greedy completion of max_tokens tokens", async () => {
    const want = await reference(8);
    const res = await postLlm({ max_tokens: 8, stream: false });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      model: MODEL,
      usage: { completion_tokens: 8 },
      choices: [{ index: 0, message: { role: "assistant", content: want }, finish_reason: "length" }],
    });
    expect(body.deltas).toBeUndefined();
  }, 120_000);

  test('"stream": true answers server-sent events, one per generated piece, the last with finish_reason', async () => {
    const want = await reference(6);
    const res = await postLlm({ max_tokens: 6, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = (await res.text())
      .split("\n\n")
      .filter((e) => e.length > 0)
      .map((e) => {
        expect(e.startsWith("data: ")).toBe(true);
        return JSON.parse(e.slice(6)) as {
          choices: { delta: { content: string }; finish_reason: string | null }[];
          usage?: { completion_tokens: number };
        };
      });
    expect(events.length).toBeGreaterThan(1);
    const last = events.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe("length");
    expect(last.usage?.completion_tokens).toBe(6);
    for (const e of events.slice(0, -1)) expect(e.choices[0]!.finish_reason).toBeNull();
    expect(events.map((e) => e.choices[0]!.delta.content).join("")).toBe(want);
  }, 120_000);

  test("/text-to-speech answers AudioResponse whose URL serves the voice's WAV", async () => {
    const text = "Hi there.";
    const res = await fetch(`${net.url}/text-to-speech`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model_id: VOICE, text }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { audio: { url: string } };
    const wav = new Uint8Array(await (await fetch(body.audio.url)).arrayBuffer());
    expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe("RIFF");
    expect(new DataView(wav.buffer).getUint32(40, true)).toBe(text.length * TINY_VITS_HOP * 2);
  }, 120_000);

  test("after its job the cold voice stays loaded, and the runner's next poll tells the edge so", async () => {
    const { db } = await net.db();
    const state = async () => {
      const [row] = await db.select().from(runners);
      const caps = JSON.parse(row!.capabilities) as {
        models: { modelId: string; warm: boolean; loaded?: boolean }[];
      };
      return caps.models
        .filter((m) => m.modelId !== PAINTER && m.modelId !== ANIMATOR)
        .map((m) => [m.modelId, m.warm, m.loaded]);
    };
    // The runner polls every 2 s (--poll-ms 2000); each poll carries the load state.
    const deadline = Date.now() + 30_000;
    let now = await state();
    while (now[1]?.[2] !== true && Date.now() < deadline) {
      await Bun.sleep(100);
      now = await state();
    }
    expect(now).toEqual([
      [MODEL, true, true],
      [VOICE, false, true],
    ]);
  }, 60_000);

  test("the orchestrator advertises the runner's four models only", async () => {
    const { sender } = (await (
      await fetch(`${net.url}/v1/orchestrator/balance?orchestrator=${net.orchestrators[0]}`)
    ).json()) as { sender: string };
    const info = (await (
      await fetch(`${net.url}/v1/orchestrator/info?sender=${sender}&orchestrator=${net.orchestrators[0]}`)
    ).json()) as { capabilities: { capability: string; modelId?: string }[] };
    const models = info.capabilities.filter((c) => c.modelId).map((c) => `${c.capability}/${c.modelId}`);
    expect(models.sort()).toEqual([
      `image-to-video/${ANIMATOR}`,
      `llm/${MODEL}`,
      `text-to-image/${PAINTER}`,
      `text-to-speech/${VOICE}`,
    ]);
  });

  test("/image-to-video answers ImageResponse whose URL serves the runner's H.264 MP4", async () => {
    const form = new FormData();
    const png = encodePng({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(150) });
    form.set("image", new Blob([Uint8Array.from(png)], { type: "image/png" }), "in.png");
    for (const [k, v] of Object.entries({
      model_id: ANIMATOR,
      width: "64",
      height: "64",
      fps: "6",
      seed: "5",
    }))
      form.set(k, v);
    const res = await fetch(`${net.url}/image-to-video`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: { url: string; seed: number; nsfw: boolean }[] };
    expect(body.images.map((i) => [i.seed, i.nsfw])).toEqual([[5, false]]);
    const mp4 = new Uint8Array(await (await fetch(body.images[0]!.url)).arrayBuffer());
    // An ISO BMFF file: its first box is "ftyp".
    expect(new TextDecoder().decode(mp4.subarray(4, 8))).toBe("ftyp");
  }, 120_000);

  test("/text-to-image answers ImageResponse (seed + i per image); each URL serves the predicted PNG", async () => {
    const res = await fetch(`${net.url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model_id: PAINTER,
        prompt: "a cat",
        width: 64,
        height: 64,
        guidance_scale: 1,
        seed: 77,
        num_images_per_prompt: 2,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: { url: string; seed: number; nsfw: boolean }[] };
    expect(body.images.map((i) => [i.seed, i.nsfw])).toEqual([
      [77, false],
      [78, false],
    ]);
    const want = tinySdPixel(sd, tinySdTarget(sd, tinySdIds(["a</w>", "cat</w>"])));
    for (const image of body.images) {
      const png = decodePng(new Uint8Array(await (await fetch(image.url)).arrayBuffer()));
      expect([png.width, png.height]).toEqual([64, 64]);
      let worst = 0;
      for (let i = 0; i < png.data.length; i++)
        worst = Math.max(worst, Math.abs(png.data[i]! - want[i % 3]!));
      expect(worst).toBeLessThanOrEqual(1);
    }
  }, 120_000);

  test("/text-to-image refuses a width that is not a multiple of 8 with 400, before any job", async () => {
    const res = await fetch(`${net.url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model_id: PAINTER, prompt: "a cat", width: 100 }),
    });
    expect(res.status).toBe(400);
  });
});
