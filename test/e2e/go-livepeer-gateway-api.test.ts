import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ffprobe, synthVowels, wavBytes } from "../helpers/media.ts";
import { type LocalNetwork, makeClip, makePng, startNetwork } from "../helpers/network.ts";

// The app-facing API of a go-livepeer gateway, served beside /v1/... by a real edge (both roles,
// devnet) with a real node-runner (native FFmpeg, ONNX Runtime): the ai-runner bodies in, the
// ai-runner shapes and go-livepeer's error bodies out, and HTTP push ingest whose multipart
// renditions ffprobe checks.

let net: LocalNetwork;

beforeAll(async () => {
  net = await startNetwork({ RUNNERS: "1", RUNNER_ORCHESTRATORS: "3" });
}, 180_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${net.url}${path}`, { method: "POST", body, headers });

async function pngForm(color: string, extra: Record<string, string> = {}): Promise<FormData> {
  const png = join(net.dataDir, `${color}.png`);
  await makePng(png, color);
  const form = new FormData();
  form.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), `${color}.png`);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  return form;
}

/** Splits a multipart/mixed body into its parts (headers lower-cased, bytes as sent). */
function parseMultipart(body: Uint8Array, boundary: string) {
  const text = Buffer.from(body).toString("latin1");
  const parts: { headers: Record<string, string>; bytes: Uint8Array }[] = [];
  const chunks = text.split(`--${boundary}`);
  expect(chunks.at(-1)!.startsWith("--")).toBe(true);
  for (const chunk of chunks.slice(1, -1)) {
    const headEnd = chunk.indexOf("\r\n\r\n");
    const headers: Record<string, string> = {};
    for (const line of chunk.slice(2, headEnd).split("\r\n")) {
      const i = line.indexOf(":");
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const len = Number(headers["content-length"]);
    parts.push({ headers, bytes: Buffer.from(chunk.slice(headEnd + 4, headEnd + 4 + len), "latin1") });
  }
  return parts;
}

describe("AI routes with go-livepeer's bodies and shapes", () => {
  test("/image-to-text answers ImageToTextResponse from the real classifier", async () => {
    const res = await post("/image-to-text", await pngForm("red", { prompt: "what colour" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ text: "red" });
  });

  test("/upscale and /image-to-image answer ImageResponse whose URLs serve the PNG", async () => {
    const up = await post("/upscale", await pngForm("green", { prompt: "sharper", seed: "7" }));
    expect(up.status).toBe(200);
    const body = (await up.json()) as { images: { url: string; seed: number; nsfw: boolean }[] };
    expect(body.images).toHaveLength(1);
    expect(body.images[0]!.seed).toBe(7);
    expect(body.images[0]!.nsfw).toBe(false);
    const bytes = new Uint8Array(await (await fetch(body.images[0]!.url)).arrayBuffer());
    const dv = new DataView(bytes.buffer);
    expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([64, 64]);

    const i2i = await post("/image-to-image", await pngForm("blue", { prompt: "restyle" }));
    expect(i2i.status).toBe(200);
    const b2 = (await i2i.json()) as { images: { url: string }[] };
    const png = new Uint8Array(await (await fetch(b2.images[0]!.url)).arrayBuffer());
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe("PNG");
  });

  test("/audio-to-text answers TextResponse: chunks are the detected speech, no invented words", async () => {
    const form = new FormData();
    form.set(
      "audio",
      new Blob([new Uint8Array(wavBytes(synthVowels(4, 1, 3)))], { type: "audio/wav" }),
      "voice.wav",
    );
    form.set("return_timestamps", "true");
    const res = await post("/audio-to-text", form);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; chunks: { text: string; timestamp: number[] }[] };
    expect(body.text).toBe("");
    expect(body.chunks.length).toBeGreaterThanOrEqual(1);
    const [start, end] = body.chunks[0]!.timestamp as [number, number];
    expect(start).toBeGreaterThan(0.5);
    expect(end).toBeLessThan(3.5);
  });

  test("pipelines no runner serves answer 503 with go-livepeer's error body", async () => {
    const cases: [string, BodyInit, Record<string, string>][] = [
      ["/text-to-image", JSON.stringify({ prompt: "a cat" }), { "content-type": "application/json" }],
      ["/text-to-speech", JSON.stringify({ text: "hello" }), { "content-type": "application/json" }],
      [
        "/llm",
        JSON.stringify({
          model: "meta-llama/llama-3.1-8B-Instruct",
          messages: [{ role: "user", content: "hi" }],
          stream: true,
          max_tokens: 16,
        }),
        { "content-type": "application/json" },
      ],
    ];
    for (const [path, body, headers] of cases) {
      const res = await post(path, body, headers);
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toContain("application/json");
      const json = (await res.json()) as { error: { message: string } };
      expect(json.error.message).toBe("Service Unavailable Error");
    }
  });

  test("bad bodies answer 400 with the message in go-livepeer's shape", async () => {
    const llm = await post("/llm", JSON.stringify({ messages: [] }), { "content-type": "application/json" });
    expect(llm.status).toBe(400);
    expect(await llm.json()).toMatchObject({ error: { message: "missing required fields" } });
    const notJson = await post("/text-to-image", "{", { "content-type": "application/json" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(
      0,
    );
    const noImage = new FormData();
    noImage.set("prompt", "x");
    const up = await post("/upscale", noImage);
    expect(up.status).toBe(400);
    expect(await up.json()).toMatchObject({ error: { message: "request body has no image file" } });
  });
});

describe("HTTP push ingest", () => {
  test("a segment comes back as multipart/mixed renditions of the default ladder, checked by ffprobe", async () => {
    const clip = join(net.dataDir, "push0.ts");
    await makeClip(clip, { width: 320, height: 180, seconds: 2 });
    const res = await fetch(`${net.url}/live/stream-a/0.ts`, {
      method: "POST",
      body: await Bun.file(clip).arrayBuffer(),
      headers: { accept: "multipart/mixed", "content-duration": "2000", "content-resolution": "320x180" },
    });
    expect(res.status).toBe(200);
    const type = res.headers.get("content-type")!;
    expect(type).toStartWith("multipart/mixed; boundary=");
    const parts = parseMultipart(new Uint8Array(await res.arrayBuffer()), type.split("boundary=")[1]!);
    expect(parts.map((p) => p.headers["rendition-name"])).toEqual(["P240p30fps16x9", "P360p30fps16x9"]);
    const want = [
      [426, 240],
      [640, 360],
    ];
    for (const [i, p] of parts.entries()) {
      expect(p.headers["content-disposition"]).toBe(
        `attachment; filename="${p.headers["rendition-name"]}_0.ts"`,
      );
      expect(p.headers["content-type"]).toStartWith("video/mp2t");
      const file = join(net.dataDir, `push0-${i}.ts`);
      writeFileSync(file, p.bytes);
      const probe = await ffprobe(file);
      expect([probe.width, probe.height]).toEqual(want[i]!);
      expect(probe.durationSec).toBeGreaterThan(1.8);
      expect(probe.durationSec).toBeLessThan(2.3);
    }
  });

  test("a stream's profiles come from its configuration header and stay with the stream; JSON without Accept", async () => {
    const clip = join(net.dataDir, "push1.ts");
    await makeClip(clip, { width: 320, height: 180, seconds: 1 });
    const bytes = await Bun.file(clip).arrayBuffer();
    const config = JSON.stringify({
      manifestID: "stream-b",
      profiles: [{ name: "tiny", width: 192, height: 108, bitrate: 200000, fps: 15 }],
      presets: ["P144p30fps16x9"],
    });
    const first = await fetch(`${net.url}/live/stream-b/0.ts`, {
      method: "PUT",
      body: bytes,
      headers: { "livepeer-transcode-configuration": config, "content-duration": "1000" },
    });
    expect(first.status).toBe(200);
    const j1 = (await first.json()) as {
      seq: number;
      durationMs: number;
      renditions: { name: string; width: number; height: number; url: string }[];
    };
    expect(j1.seq).toBe(0);
    expect(j1.durationMs).toBe(1000);
    expect(j1.renditions.map((r) => r.name)).toEqual(["P144p30fps16x9", "tiny"]);
    // The second segment names nothing: it keeps the stream's profiles.
    const second = await post("/live/stream-b/1.ts", bytes);
    expect(second.status).toBe(200);
    const j2 = (await second.json()) as typeof j1;
    expect(j2.renditions.map((r) => r.name)).toEqual(["P144p30fps16x9", "tiny"]);
    const tiny = j2.renditions.find((r) => r.name === "tiny")!;
    const file = join(net.dataDir, "push1-tiny.ts");
    writeFileSync(file, new Uint8Array(await (await fetch(tiny.url)).arrayBuffer()));
    const probe = await ffprobe(file);
    expect([probe.width, probe.height]).toEqual([192, 108]);
  });

  test("go-livepeer's push errors: method, extension, config header, not video", async () => {
    const get = await fetch(`${net.url}/live/s/0.ts`);
    expect(get.status).toBe(405);
    const ext = await post("/live/s/0.m3u8", "x");
    expect(ext.status).toBe(400);
    expect(await ext.text()).toBe("ignoring file extension: .m3u8\n");
    const clip = join(net.dataDir, "push2.ts");
    await makeClip(clip, { width: 160, height: 90, seconds: 1 });
    const bad = await post("/live/s/0.ts", await Bun.file(clip).arrayBuffer(), {
      "livepeer-transcode-configuration": "{not json",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toStartWith("failed to parse transcode config header:");
    const notVideo = await post("/live/s/0.ts", new Uint8Array(4096).fill(7));
    expect(notVideo.status).toBe(422);
    expect(await notVideo.text()).toBe("Error getting codec info url=/live/s/0.ts\n");
  });
});
