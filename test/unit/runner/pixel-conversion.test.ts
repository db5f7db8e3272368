import { expect, test } from "bun:test";
import { fromNchw, type RgbImage, resizeBilinear, toNchw } from "../../../src/node-runner/ai/image.ts";

// The tensor ↔ pixel conversions run per output value on every image job, so they are written as
// plain typed-array loops; these tests hold them to the definitions they replace, value for value.

/** The definition: clamp to 0..1, scale, Math.round (NaN → 0). */
const byteOf = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255) || 0);

/** Float32 values around every rounding boundary (k + 0.5)/255 and both ends, plus oddities. */
function hardValues(): Float32Array {
  const xs: number[] = [
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    -0,
    0,
    1,
    -1e-30,
    1e-30,
  ];
  const f = new Float32Array(1);
  const i = new Int32Array(f.buffer);
  for (let k = -1; k <= 256; k++) {
    f[0] = (k + 0.5) / 255;
    const at = i[0]!;
    // The float32 nearest the boundary and its four neighbours on each side.
    for (let d = -4; d <= 4; d++) {
      i[0] = at + d;
      xs.push(f[0]!);
    }
    xs.push(k / 255);
  }
  // And a spread of ordinary values, from a fixed linear congruential sequence.
  let s = 12345;
  for (let n = 0; n < 20_000; n++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    xs.push((s / 2 ** 32) * 1.2 - 0.1);
  }
  return Float32Array.from(xs);
}

test("fromNchw gives Math.round's bytes for every float32 near a boundary, NaN and ±∞ included", () => {
  const values = hardValues();
  // Pad to a whole number of pixels, three planes of `plane` values.
  const plane = Math.ceil(values.length / 3);
  const data = new Float32Array(plane * 3);
  data.set(values);
  const img = fromNchw(data, plane, 1);
  expect(img.width).toBe(plane);
  expect(img.height).toBe(1);
  let wrong = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      if (img.data[p * 3 + c] !== byteOf(data[c * plane + p]!)) wrong++;
    }
  }
  expect(wrong).toBe(0);
});

test("fromNchw interleaves the planes: R, G, B of each pixel in order", () => {
  // 2×1 image: R plane [0, 1], G plane [0.5, 0], B plane [1, 0.2].
  const img = fromNchw(Float32Array.from([0, 1, 0.5, 0, 1, 0.2]), 2, 1);
  expect([...img.data]).toEqual([0, 128, 255, 255, 0, 51]);
});

test("toNchw then fromNchw gives every byte back, normalised or not", () => {
  const data = Uint8Array.from({ length: 256 * 3 }, (_, i) => (i * 97) % 256);
  const img = { width: 16, height: 16, data };
  expect([...fromNchw(toNchw(img), 16, 16).data]).toEqual([...data]);
  const normalize = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
  const planar = toNchw(img, normalize);
  // Channel 1 of pixel 5: (byte/255 − mean) / std, as float32.
  expect(planar[256 + 5]).toBe(Math.fround((data[5 * 3 + 1]! / 255 - 0.456) / 0.224));
});

/** The definition of the bilinear resize (pixel centres aligned), one value at a time. */
function bilinearValue(img: RgbImage, width: number, height: number, x: number, y: number, c: number) {
  const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 3 + c]!;
  const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * (img.height / height) - 0.5));
  const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * (img.width / width) - 0.5));
  const [x0, y0] = [Math.floor(fx), Math.floor(fy)];
  const [x1, y1] = [Math.min(img.width - 1, x0 + 1), Math.min(img.height - 1, y0 + 1)];
  const [wx, wy] = [fx - x0, fy - y0];
  const top = at(x0, y0) * (1 - wx) + at(x1, y0) * wx;
  const bottom = at(x0, y1) * (1 - wx) + at(x1, y1) * wx;
  return Math.round(top * (1 - wy) + bottom * wy);
}

test("resizeBilinear gives the definition's bytes, down and up, odd sizes included", () => {
  for (const [w, h, tw, th] of [
    [256, 256, 32, 32],
    [37, 53, 224, 224],
    [640, 480, 17, 9],
    [5, 3, 5, 7],
  ] as const) {
    const img = {
      width: w,
      height: h,
      data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7919 + (i >> 5)) % 256),
    };
    const out = resizeBilinear(img, tw, th);
    let wrong = 0;
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++)
        for (let c = 0; c < 3; c++)
          if (out.data[(y * tw + x) * 3 + c] !== bilinearValue(img, tw, th, x, y, c)) wrong++;
    expect(wrong).toBe(0);
  }
});
