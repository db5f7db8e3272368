import { growRect, insideConvexQuad, minAreaRect, type Point, type Quad, rectCorners } from "./geometry.ts";

/**
 * The DB ("differentiable binarization") post-processing knobs: PaddleOCR's defaults except the
 * unclip ratio, 2 rather than 1.5. With 1.5 the crops are so tight that PP-OCRv4's recogniser drops
 * the spaces of printed Latin lines ("HelloOCRtest") in this project's tests; 2 reads them.
 */
export interface DbOptions {
  /** Probability above which a pixel is text. */
  threshold: number;
  /** Minimum mean probability inside a box for it to be kept. */
  boxThreshold: number;
  /** How far a box is grown: area × ratio / perimeter on every side (the model predicts shrunk text). */
  unclipRatio: number;
  /** Boxes with a shorter side (in map pixels) are dropped. */
  minSize: number;
  maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 2,
  minSize: 3,
  maxCandidates: 1000,
};

export interface TextBox {
  /** Corners in source-image pixels: top-left, top-right, bottom-right, bottom-left. */
  box: Quad;
  /** Mean text probability inside the box before it was grown. */
  score: number;
}

/**
 * Boundary pixels of each 8-connected component of `map > threshold` (enough for its convex hull),
 * largest components first, at most `max` of them.
 */
export function textComponents(
  map: Float32Array,
  width: number,
  height: number,
  threshold: number,
  max: number,
): Point[][] {
  const on = new Uint8Array(width * height);
  for (let i = 0; i < on.length; i++) on[i] = map[i]! > threshold ? 1 : 0;
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const out: { points: Point[]; size: number }[] = [];
  const isOn = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && on[y * width + x] === 1;
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    const points: Point[] = [];
    let size = 0;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      size++;
      if (!isOn(x - 1, y) || !isOn(x + 1, y) || !isOn(x, y - 1) || !isOn(x, y + 1)) points.push([x, y]);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (!isOn(nx, ny)) continue;
          const j = ny * width + nx;
          if (seen[j]) continue;
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    out.push({ points, size });
  }
  return out
    .sort((a, b) => b.size - a.size)
    .slice(0, max)
    .map((c) => c.points);
}

/** Mean of the map over the pixels whose centres fall inside the quad. */
function meanInside(map: Float32Array, width: number, height: number, q: Quad): number {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideConvexQuad(q, [x, y])) continue;
      sum += map[y * width + x]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

/**
 * DB text detection's post-processing on a probability map of `mapWidth × mapHeight`: binarise,
 * take each component's minimum-area rectangle, score it on the map, grow it ("unclip"), scale it
 * by `scale` to source pixels and clip it to the source's `width × height`.
 */
export function dbBoxes(
  map: Float32Array,
  mapWidth: number,
  mapHeight: number,
  scale: { x: number; y: number },
  src: { width: number; height: number },
  o: DbOptions = DB_DEFAULTS,
): TextBox[] {
  const boxes: TextBox[] = [];
  const { x: sx, y: sy } = scale;
  const srcWidth = src.width;
  const srcHeight = src.height;
  for (const points of textComponents(map, mapWidth, mapHeight, o.threshold, o.maxCandidates)) {
    const rect = minAreaRect(points);
    if (Math.min(rect.width, rect.height) < o.minSize) continue;
    const score = meanInside(map, mapWidth, mapHeight, rectCorners(rect));
    if (score < o.boxThreshold) continue;
    const area = rect.width * rect.height;
    const perimeter = 2 * (rect.width + rect.height);
    const grown = growRect(rect, (area * o.unclipRatio) / perimeter);
    if (Math.min(grown.width, grown.height) < o.minSize + 2) continue;
    const box = rectCorners(grown).map(
      ([x, y]): Point => [
        Math.min(srcWidth, Math.max(0, Math.round(x * sx))),
        Math.min(srcHeight, Math.max(0, Math.round(y * sy))),
      ],
    ) as Quad;
    boxes.push({ box, score });
  }
  return sortReadingOrder(boxes);
}

/** Top to bottom, then left to right within a line (boxes whose tops differ by under 10 px). */
export function sortReadingOrder<T extends { box: Quad }>(boxes: T[]): T[] {
  const s = [...boxes].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0]);
  for (let i = 0; i < s.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = s[j]!;
      const b = s[j + 1]!;
      if (Math.abs(b.box[0][1] - a.box[0][1]) < 10 && b.box[0][0] < a.box[0][0]) {
        s[j] = b;
        s[j + 1] = a;
      } else break;
    }
  }
  return s;
}
