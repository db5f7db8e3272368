// Images through sharp (libvips) and through the portable path (the small PNG coder, FFmpeg for
// the rest) decode to the same pixels; bad and oversized input is refused the same way on both.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeImagePng, loadImage } from "../../../src/node-runner/ai/image.ts";
import {
  type ImageCodec,
  imageCodec,
  loadSharp,
  PORTABLE_CODEC,
  sniffImage,
} from "../../../src/node-runner/ai/image-codec.ts";
import { decodePng, encodePng, type RgbImage } from "../../../src/node-runner/ai/png.ts";
import { locateFfmpeg, type NativeFfmpeg } from "../../../src/node-runner/ffmpeg/locate.ts";
import { DEFAULT_RUNNER_LIMITS } from "../../../src/node-runner/limits.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";
import { runTool } from "../../helpers/ffmpeg-tools.ts";
import { tempDir } from "../../helpers/media.ts";

const W = 37;
const H = 23;
/** A pattern with every channel varying, so a swapped or dropped channel shows. */
const PIXELS = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 29 + ((i / 3) | 0) * 7) % 256);

let tmp: ReturnType<typeof tempDir>;
let ff: NativeFfmpeg;
let sharp: ImageCodec;
const source = () => join(tmp.dir, "source.png");

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (err) {
    return err instanceof LivepeerError ? err.code : String(err);
  }
}

/** The source pattern converted by FFmpeg to `name` with extra output options. */
async function convert(name: string, ...opts: string[]): Promise<string> {
  const out = join(tmp.dir, name);
  const r = await runTool("ffmpeg", ["-v", "error", "-y", "-i", source(), ...opts, "-frames:v", "1", out]);
  if (r.exitCode !== 0) throw new Error(`ffmpeg could not make ${name}: ${r.stderr}`);
  return out;
}

function maxDiff(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!));
  return d;
}

beforeAll(async () => {
  tmp = tempDir("image-codec-");
  const found = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
  if (found?.kind !== "native") throw new Error("no native FFmpeg (system or @ffmpeg-installer)");
  ff = found;
  writeFileSync(source(), encodePng({ width: W, height: H, data: PIXELS }));
  sharp = await imageCodec();
});
afterAll(() => tmp.cleanup());

describe("image codec", () => {
  test("sharp loads here (it is a dependency with a prebuilt libvips); portable is chosen on request", async () => {
    expect(await loadSharp()).not.toBeNull();
    expect(sharp.name).toBe("sharp");
    expect((await imageCodec(true)).name).toBe("portable");
  });

  test("formats are told by their magic bytes", () => {
    const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(sniffImage(readFileSync(source()))).toBe("png");
    expect(sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpeg");
    expect(sniffImage(b("RIFF\0\0\0\0WEBPVP8 "))).toBe("webp");
    expect(sniffImage(b("GIF89a"))).toBe("gif");
    expect(sniffImage(b("II*\0"))).toBe("tiff");
    expect(sniffImage(b("BM\0\0"))).toBeNull();
    expect(sniffImage(b("hello"))).toBeNull();
  });

  test("PNG encoding round-trips exactly across the two codecs", async () => {
    const img = { width: W, height: H, data: PIXELS };
    const viaSharp = await sharp.encodePng(img);
    expect([...decodePng(viaSharp).data]).toEqual([...PIXELS]);
    const back = await sharp.decode(encodePng(img), DEFAULT_RUNNER_LIMITS);
    expect([...back!.data]).toEqual([...PIXELS]);
    expect([...decodePng(await encodeImagePng(img)).data]).toEqual([...PIXELS]);
  });

  test("the portable coder works off the event loop: timers fire while a large PNG decodes and encodes", async () => {
    // 2000×2000 of noise: megabytes to inflate and filter, seconds of blocked loop if done in-thread.
    const n = 2000;
    const noise = { width: n, height: n, data: crypto.getRandomValues(new Uint8Array(n * n * 3)) };
    const png = await sharp.encodePng(noise);
    let ticks = 0;
    const probe = setInterval(() => ticks++, 1);
    try {
      const start = ticks;
      const decoded = await PORTABLE_CODEC.decode(png, DEFAULT_RUNNER_LIMITS);
      const duringDecode = ticks - start;
      const again = ticks;
      const encoded = await PORTABLE_CODEC.encodePng(decoded!);
      const duringEncode = ticks - again;
      expect([duringDecode > 0, duringEncode > 0]).toEqual([true, true]);
      expect(Buffer.from(decoded!.data).equals(Buffer.from(noise.data))).toBe(true);
      expect(
        Buffer.from((await sharp.decode(encoded, DEFAULT_RUNNER_LIMITS))!.data).equals(
          Buffer.from(noise.data),
        ),
      ).toBe(true);
    } finally {
      clearInterval(probe);
    }
  });

  // Lossless formats decode to the pattern exactly; 16-bit within rounding; lossy ones are compared
  // between the two paths (libjpeg's and FFmpeg's YUV→RGB differ by a few levels).
  const cases: [string, string[], number][] = [
    ["rgb.png", ["-pix_fmt", "rgb24"], 0],
    ["rgba.png", ["-pix_fmt", "rgba"], 0],
    ["rgb48.png", ["-pix_fmt", "rgb48be"], 1],
    ["rgb.tiff", ["-pix_fmt", "rgb24"], 0],
    ["rgb.bmp", ["-pix_fmt", "bgr24"], 0],
  ];
  for (const [name, opts, tol] of cases) {
    test(`${name}: sharp and the portable path give the same pixels`, async () => {
      const path = await convert(name, ...opts);
      const a = await loadImage(path, ff, DEFAULT_RUNNER_LIMITS, sharp);
      const b = await loadImage(path, ff, DEFAULT_RUNNER_LIMITS, PORTABLE_CODEC);
      expect(maxDiff(a, b)).toBeLessThanOrEqual(tol);
      expect(maxDiff(a, { width: W, height: H, data: PIXELS })).toBeLessThanOrEqual(tol);
    });
  }

  test("grey and palette PNGs expand to RGB the same way on both paths", async () => {
    for (const [name, fmt] of [
      ["grey.png", "gray"],
      ["pal.png", "pal8"],
    ] as const) {
      const path = await convert(name, "-pix_fmt", fmt);
      const a = await loadImage(path, ff, DEFAULT_RUNNER_LIMITS, sharp);
      const b = await loadImage(path, ff, DEFAULT_RUNNER_LIMITS, PORTABLE_CODEC);
      expect(maxDiff(a, b)).toBe(0);
    }
  });

  test("JPEG and interlaced PNG: sharp decodes in-process, as FFmpeg does", async () => {
    const jpeg = await convert("q.jpg", "-q:v", "2", "-pix_fmt", "yuvj444p");
    const a = await loadImage(jpeg, ff, DEFAULT_RUNNER_LIMITS, sharp);
    const b = await loadImage(jpeg, ff, DEFAULT_RUNNER_LIMITS, PORTABLE_CODEC);
    expect(maxDiff(a, b)).toBeLessThanOrEqual(3);
    // Without FFmpeg only sharp reads a JPEG.
    expect(maxDiff(await loadImage(jpeg, null, DEFAULT_RUNNER_LIMITS, sharp), a)).toBe(0);
    expect(await code(loadImage(jpeg, null, DEFAULT_RUNNER_LIMITS, PORTABLE_CODEC))).toBe("INVALID_MEDIA");
    const sharpFn = (await loadSharp())!;
    const interlaced = join(tmp.dir, "adam7.png");
    writeFileSync(
      interlaced,
      await sharpFn(PIXELS, { raw: { width: W, height: H, channels: 3 } })
        .png({ progressive: true })
        .toBuffer(),
    );
    expect(readFileSync(interlaced)[28]).toBe(1); // IHDR interlace method: Adam7
    const c = await loadImage(interlaced, ff, DEFAULT_RUNNER_LIMITS, sharp);
    const d = await loadImage(interlaced, ff, DEFAULT_RUNNER_LIMITS, PORTABLE_CODEC);
    expect(maxDiff(c, { width: W, height: H, data: PIXELS })).toBe(0);
    expect(maxDiff(d, c)).toBe(0);
  });

  test("a truncated PNG and a text file are INVALID_MEDIA on both paths", async () => {
    const truncated = join(tmp.dir, "truncated.png");
    const whole = readFileSync(source());
    writeFileSync(truncated, whole.subarray(0, whole.length - 40));
    const txt = join(tmp.dir, "note.txt");
    writeFileSync(txt, "hello");
    for (const c of [sharp, PORTABLE_CODEC]) {
      expect(await code(loadImage(truncated, ff, DEFAULT_RUNNER_LIMITS, c))).toBe("INVALID_MEDIA");
      expect(await code(loadImage(txt, ff, DEFAULT_RUNNER_LIMITS, c))).toBe("INVALID_MEDIA");
      expect(await code(loadImage(truncated, null, DEFAULT_RUNNER_LIMITS, c))).toBe("INVALID_MEDIA");
    }
  });

  test("a TIFF declaring 20000×20000 is MEDIA_TOO_LARGE before any decode", async () => {
    const bytes = readFileSync(await convert("small.tiff", "-pix_fmt", "rgb24"));
    expect(bytes.toString("latin1", 0, 2)).toBe("II");
    const ifd = bytes.readUInt32LE(4);
    let patched = 0;
    for (let i = 0; i < bytes.readUInt16LE(ifd); i++) {
      const e = ifd + 2 + i * 12;
      const tag = bytes.readUInt16LE(e);
      // ImageWidth (256) and ImageLength (257), SHORT (3) or LONG (4).
      if (tag !== 256 && tag !== 257) continue;
      if (bytes.readUInt16LE(e + 2) === 3) bytes.writeUInt16LE(20000, e + 8);
      else bytes.writeUInt32LE(20000, e + 8);
      patched++;
    }
    expect(patched).toBe(2);
    const bomb = join(tmp.dir, "bomb.tiff");
    writeFileSync(bomb, bytes);
    expect(await code(loadImage(bomb, ff, DEFAULT_RUNNER_LIMITS, sharp))).toBe("MEDIA_TOO_LARGE");
  });
});
