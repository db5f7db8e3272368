import sharp from "sharp";

// A scene whose foreground is known by construction: a yellow disc on black. IS-Net separates it
// (IoU ≥ 0.99 measured); on flat light-grey backgrounds it leaves speckles, so the tests use black.

export const SCENE = { width: 400, height: 300, cx: 200, cy: 160, r: 90 };

/** Writes the scene as PNG (or JPEG, by the extension) at `path`. */
export async function writeDiscScene(path: string): Promise<void> {
  const { width, height, cx, cy, r } = SCENE;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/><circle cx="${cx}" cy="${cy}" r="${r}" fill="#f0d020"/></svg>`;
  const img = sharp(Buffer.from(svg)).removeAlpha();
  await (path.endsWith(".jpg") ? img.jpeg({ quality: 95 }) : img.png()).toFile(path);
}

/** Ground truth: a pixel is foreground when its centre lies inside the disc. */
export const inDisc = (x: number, y: number) =>
  (x + 0.5 - SCENE.cx) ** 2 + (y + 0.5 - SCENE.cy) ** 2 <= SCENE.r ** 2;

/** IoU of an 8-bit mask of the scene (foreground at ≥ 128) against the disc. */
export function discIoU(mask: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let y = 0; y < SCENE.height; y++) {
    for (let x = 0; x < SCENE.width; x++) {
      const gt = inDisc(x, y);
      const p = mask[y * SCENE.width + x]! >= 128;
      if (gt && p) inter++;
      if (gt || p) union++;
    }
  }
  return inter / union;
}

/** Decoded pixels with the channel count the file itself declares (libvips widens grey to RGB). */
export async function readPixels(input: string | Uint8Array) {
  const { channels } = await sharp(input).metadata();
  const pipe = channels === 1 ? sharp(input).extractChannel(0) : sharp(input);
  const { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), channels, width: info.width, height: info.height };
}
