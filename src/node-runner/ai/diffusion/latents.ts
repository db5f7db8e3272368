import type { RgbImage } from "../png.ts";

// Seeded noise and the VAE's output as pixels. The noise is this runner's own (xoshiro128** seeded
// by splitmix32 from the 53-bit seed, Box–Muller), so a seed reproduces an image on this runner, not
// the image PyTorch's generator would give for the same seed.

/** A generator of standard normal samples from a seed (any safe non-negative integer). */
export class GaussianNoise {
  #s = new Uint32Array(4);
  #spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 over the seed's low and high words fills the 128-bit state (never all zero).
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  /** xoshiro128**: the next 32 random bits. */
  nextUint32(): number {
    const s = this.#s;
    const [s0, s1, s2, s3] = [s[0]!, s[1]!, s[2]!, s[3]!];
    const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ ((s1 << 9) >>> 0);
    s[3] = rotl(n3 >>> 0, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** One standard normal sample (Box–Muller: each pair of uniforms gives two). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** `n` samples, scaled by `scale`. */
  fill(n: number, scale = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * scale;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The VAE decoder's output [1, 3, H, W] (about −1..1) as an RGB image, as diffusers post-processes
 * it: (x / 2 + 0.5) clamped to 0..1, × 255, rounded.
 */
export function vaeOutputToRgb(data: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let i = 0, j = c; i < plane; i++, j += 3) {
      const v = data[c * plane + i]! / 2 + 0.5;
      out[j] = v <= 0 || Number.isNaN(v) ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    }
  }
  return { width, height, data: out };
}
