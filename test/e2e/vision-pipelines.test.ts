import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LocalNetwork, startNetwork } from "../helpers/network.ts";
import {
  esrganEntry,
  esrganSlim,
  isnetEntry,
  isnetOnnx,
  manifestOf,
  psnr,
  titleSkipping,
} from "../helpers/npm-models.ts";
import { discIoU, readPixels, SCENE, writeDiscScene } from "../helpers/vision.ts";

// Real models through the whole job path: a consumer calls the gateway, which pays an orchestrator;
// the orchestrator queues the job for a node-runner process whose manifest holds only IS-Net
// (segment-anything-2) and ESRGAN slim ×2 (upscale). The mask that comes back separates a known
// object (IoU ≥ 0.99), the upscale reproduces the package's expected output, and the orchestrator
// advertises exactly the runner's two models (its configured prices may still name other
// pipelines: that is the bundled network's price list, not a runner's claim).

const isnet = (() => {
  try {
    return isnetOnnx("small");
  } catch {
    return null;
  }
})();
const x2 = esrganSlim(2);
const missing =
  isnet && x2 ? undefined : "@imgly/background-removal-data or @upscalerjs/esrgan-slim is not installed";

interface JobJson {
  id: string;
  status: string;
  units?: string;
  data?: Record<string, unknown>;
  outputs: { name: string; width?: number; height?: number; url: string; contentType: string }[];
  error: unknown;
}

describe.skipIf(missing !== undefined)(
  titleSkipping("real vision models through edge and runner", missing),
  () => {
    let net: LocalNetwork;
    beforeAll(async () => {
      net = await startNetwork({ RUNNERS: "0", EXTERNAL_RUNNERS: "1" });
      const models = join(net.dataDir, "models");
      mkdirSync(models, { recursive: true });
      writeFileSync(
        join(models, "manifest.json"),
        JSON.stringify(manifestOf(isnetEntry(isnet!, true), esrganEntry(2, true))),
      );
      await net.startRunner(0);
    }, 300_000);
    afterAll(async () => {
      await net?.stop();
    }, 30_000);

    /** Submits asynchronously and polls the job until it settles (IS-Net takes seconds on a small machine). */
    async function run(pipeline: string, file: string, type: string): Promise<JobJson> {
      const form = new FormData();
      form.set("image", new Blob([readFileSync(file)], { type }), file.split("/").at(-1));
      const res = await fetch(`${net.url}/v1/ai/${pipeline}?async=true`, { method: "POST", body: form });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as JobJson;
      const deadline = Date.now() + 240_000;
      for (;;) {
        const job = (await (await fetch(`${net.url}/v1/jobs/${id}`)).json()) as JobJson;
        if (job.status === "succeeded" || job.status === "failed" || Date.now() > deadline) return job;
        await Bun.sleep(200);
      }
    }
    const download = async (url: string) =>
      new Uint8Array(await (await fetch(`${net.url}${url}`)).arrayBuffer());

    test("segment-anything-2: the mask separates the disc and the cut-out carries it as alpha", async () => {
      const scene = join(net.dataDir, "disc.png");
      await writeDiscScene(scene);
      const job = await run("segment-anything-2", scene, "image/png");
      expect(job.status).toBe("succeeded");
      expect(job.outputs.map((o) => [o.name, o.width, o.height])).toEqual([
        ["mask", SCENE.width, SCENE.height],
        ["cutout", SCENE.width, SCENE.height],
      ]);
      const mask = await readPixels(await download(job.outputs[0]!.url));
      expect(discIoU(mask.data)).toBeGreaterThanOrEqual(0.99);
      const cutout = await readPixels(await download(job.outputs[1]!.url));
      expect(cutout.channels).toBe(4);
      expect(JSON.parse(job.data!.scores as string)).toHaveLength(1);
      expect(job.data!.method).toContain("IS-Net");
    }, 300_000);

    test("upscale: ESRGAN ×2 reproduces the package's expected output", async () => {
      const job = await run("upscale", x2!.fixture, "image/png");
      expect(job.status).toBe("succeeded");
      const out = await readPixels(await download(job.outputs[0]!.url));
      const want = await readPixels(x2!.expected);
      const rgb = (p: typeof out) =>
        p.channels === 3 ? p.data : p.data.filter((_, i) => i % (p.channels ?? 3) < 3);
      expect([out.width, out.height]).toEqual([256, 256]);
      expect(psnr(rgb(out), rgb(want))).toBeGreaterThan(90);
    }, 300_000);

    test("the orchestrator advertises the runner's models, and no model for a pipeline the runner lacks", async () => {
      const { sender } = (await (
        await fetch(`${net.url}/v1/orchestrator/balance?orchestrator=${net.orchestrators[0]}`)
      ).json()) as { sender: string };
      const res = await fetch(
        `${net.url}/v1/orchestrator/info?sender=${sender}&orchestrator=${net.orchestrators[0]}`,
      );
      expect(res.status).toBe(200);
      const info = (await res.json()) as { capabilities: { capability: string; modelId?: string }[] };
      const models = info.capabilities.filter((c) => c.modelId).map((c) => `${c.capability}/${c.modelId}`);
      expect(models.sort()).toEqual([
        "segment-anything-2/imgly/isnet-general-small",
        "upscale/upscalerjs/esrgan-slim-x2",
      ]);
    });
  },
);
