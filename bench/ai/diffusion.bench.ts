/**
 * text-to-image through the runner's executor vs the bare ONNX Runtime calls it makes, on the tiny
 * diffusers folder the tests build (test/helpers/tiny-diffusion.ts): the same text-encoder, UNet
 * (batch 2: classifier-free guidance) and VAE-decoder runs, with nothing around them, against a job
 * (parameter checks, tokenizer, scheduler arithmetic, guidance, noise, pixel mapping, PNG encoding
 * and the output file, model store). The PNG encoding is also timed alone. Tiny graphs: the absolute
 * times say nothing about a real model, whose UNet dominates; only the runner's overhead.
 *   npx bun run bench/ai/diffusion.bench.ts
 */

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { readEnv } from "../../src/cli/env.ts";
import { imageCodec } from "../../src/node-runner/ai/image-codec.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { tinySdIds, writeTinySd } from "../../test/helpers/tiny-diffusion.ts";
import { BENCH_ENV } from "../env.ts";

const { BENCH_ITER: ITER } = readEnv(BENCH_ENV, process.env);
const STEPS = 10;

interface Cost {
  wall: number;
  cpu: number;
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** ms per call, wall and CPU: the best of three samples of iter/3 calls after 3 warm-ups. */
async function perOp(iter: number, fn: () => Promise<unknown>, warm = 3): Promise<Cost> {
  for (let i = 0; i < warm; i++) await fn();
  const n = Math.max(1, Math.round(iter / 3));
  const best: Cost = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let k = 0; k < 3; k++) {
    const [w0, c0] = [performance.now(), cpuNow()];
    for (let i = 0; i < n; i++) await fn();
    best.wall = Math.min(best.wall, (performance.now() - w0) / n);
    best.cpu = Math.min(best.cpu, (cpuNow() - c0) / n);
  }
  return best;
}
const fmt = (c: Cost) => `${c.wall.toFixed(2).padStart(7)} (cpu ${c.cpu.toFixed(2).padStart(7)})`;
const ratio = (a: Cost, b: Cost) => `${(a.wall / b.wall).toFixed(2)}x (cpu ${(a.cpu / b.cpu).toFixed(2)}x)`;

const tmp = tempDir("bench-diffusion-");
try {
  const sd = writeTinySd(join(tmp.dir, "tiny-sd"));
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const manifest = join(tmp.dir, "manifest.json");
  writeFileSync(
    manifest,
    JSON.stringify({
      version: 2,
      models: [
        {
          pipeline: "text-to-image",
          modelId: "tiny-sd",
          kind: "stable-diffusion",
          format: "diffusers",
          files: Object.entries(sd.files).map(([role, path]) => ({ role, path, sha256: sha(path) })),
          warm: true,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ],
    }),
  );
  const ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
  await ex.state();
  let n = 0;
  const ctx = () => {
    const workDir = join(tmp.dir, `j${n++}`);
    mkdirSync(workDir);
    return { workDir, signal: new AbortController().signal, onProgress() {}, onEvent() {} };
  };

  const codec = await imageCodec();
  const opts = { executionProviders: ["cpu"], graphOptimizationLevel: "all" } as const;
  const textEncoder = await ort.InferenceSession.create(sd.files["text-encoder"]!, opts);
  const unet = await ort.InferenceSession.create(sd.files.unet!, opts);
  const vae = await ort.InferenceSession.create(sd.files["vae-decoder"]!, opts);
  const ids = tinySdIds(["a</w>", "cat</w>"]);

  console.log(
    `tiny diffusers folder, ${STEPS} Euler steps, guidance 7.5; ${ITER} iterations after 3 warm-ups; ms per image, wall (cpu)`,
  );
  for (const side of [64, 256]) {
    const h = side / 8;
    const latent = 4 * h * h;
    const params = {
      prompt: "a cat",
      width: side,
      height: side,
      num_inference_steps: STEPS,
      guidance_scale: 7.5,
      seed: 1,
    };
    const job = await perOp(ITER, () =>
      ex.execute({ kind: "ai", pipeline: "text-to-image", modelId: "tiny-sd", files: {}, params }, ctx()),
    );
    // The same graph runs, bare: two prompt encodings, STEPS batched UNet calls, one decode.
    const bare = await perOp(ITER, async () => {
      const hidden: Float32Array[] = [];
      for (let k = 0; k < 2; k++) {
        const out = await textEncoder.run({
          input_ids: new ort.Tensor("int32", Int32Array.from(ids), [1, 77]),
        });
        hidden.push(out.last_hidden_state!.data as Float32Array);
      }
      const ehs = new Float32Array(hidden[0]!.length * 2);
      ehs.set(hidden[0]!);
      ehs.set(hidden[1]!, hidden[0]!.length);
      const sample = new Float32Array(latent * 2);
      for (let i = 0; i < STEPS; i++) {
        await unet.run({
          sample: new ort.Tensor("float32", sample, [2, 4, h, h]),
          timestep: new ort.Tensor("int64", BigInt64Array.of(500n, 500n), [2]),
          encoder_hidden_states: new ort.Tensor("float32", ehs, [2, 77, 8]),
        });
      }
      return vae.run({ latent_sample: new ort.Tensor("float32", new Float32Array(latent), [1, 4, h, h]) });
    });
    const pixels = new Uint8Array(side * side * 3).map((_, i) => (i * 37) % 256);
    const png = await perOp(ITER, () => codec.encodePng({ width: side, height: side, data: pixels }));
    console.log(
      `${side}x${side}  runner job ${fmt(job)}   bare ONNX runs ${fmt(bare)}   ${ratio(job, bare)}   (PNG encode alone ${fmt(png)})`,
    );
  }
  await Promise.all([textEncoder.release(), unet.release(), vae.release()]);
  await ex.close();
} finally {
  tmp.cleanup();
}
