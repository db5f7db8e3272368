import { expect, test } from "bun:test";
import { readingQuad } from "../../../src/node-runner/ai/ocr/crop.ts";
import { ctcGreedy, ocrAlphabet } from "../../../src/node-runner/ai/ocr/ctc.ts";
import { dbBoxes, sortReadingOrder } from "../../../src/node-runner/ai/ocr/db-postprocess.ts";
import { detInputSize } from "../../../src/node-runner/ai/ocr/engine.ts";
import {
  convexHull,
  growRect,
  insideConvexQuad,
  minAreaRect,
  type Point,
  type Quad,
  rectCorners,
} from "../../../src/node-runner/ai/ocr/geometry.ts";

// The OCR pipeline's pure parts, on inputs whose answers are known by construction.

const close = (a: Point, b: Point) => {
  expect(a[0]).toBeCloseTo(b[0], 6);
  expect(a[1]).toBeCloseTo(b[1], 6);
};

test("convex hull drops interior and collinear points", () => {
  const pts: Point[] = [
    [0, 0],
    [2, 0],
    [4, 0],
    [4, 3],
    [0, 3],
    [2, 1],
    [1, 2],
  ];
  expect(convexHull(pts).length).toBe(4);
});

test("minAreaRect recovers a rotated rectangle from points inside and on it", () => {
  const angle = (25 * Math.PI) / 180;
  const u: Point = [Math.cos(angle), Math.sin(angle)];
  const v: Point = [-u[1], u[0]];
  const at = (a: number, b: number): Point => [50 + a * u[0] + b * v[0], 40 + a * u[1] + b * v[1]];
  const pts: Point[] = [];
  for (let a = -30; a <= 30; a += 5) for (let b = -8; b <= 8; b += 4) pts.push(at(a, b));
  const r = minAreaRect(pts);
  const [w, h] = r.width >= r.height ? [r.width, r.height] : [r.height, r.width];
  expect(w).toBeCloseTo(60, 6);
  expect(h).toBeCloseTo(16, 6);
  close(r.center, [50, 40]);
  // Corners come back top-left first, clockwise in image space (y down).
  const q = rectCorners(r);
  expect(q[0][0]).toBeLessThan(q[1][0]);
  expect(q[3][1]).toBeGreaterThan(q[0][1]);
});

test("growRect adds the distance on every side; insideConvexQuad either winding", () => {
  const r = growRect({ center: [10, 10], width: 8, height: 4, axis: [1, 0] }, 2);
  expect([r.width, r.height]).toEqual([12, 8]);
  const q = rectCorners(r);
  close(q[0], [4, 6]);
  close(q[2], [16, 14]);
  expect(insideConvexQuad(q, [10, 10])).toBe(true);
  expect(insideConvexQuad([q[3], q[2], q[1], q[0]], [10, 10])).toBe(true);
  expect(insideConvexQuad(q, [17, 10])).toBe(false);
});

test("DB post-processing: one text blob → one grown, scaled box; weak or tiny blobs are dropped", () => {
  const w = 64;
  const h = 32;
  const map = new Float32Array(w * h);
  // A confident 20×6 blob at x 10..29, y 10..15, a faint one (0.4: above threshold, under the box
  // threshold) and a 2-pixel-high one (under the minimum size).
  for (let y = 10; y <= 15; y++) for (let x = 10; x <= 29; x++) map[y * w + x] = 0.9;
  for (let y = 20; y <= 27; y++) for (let x = 40; x <= 60; x++) map[y * w + x] = 0.4;
  for (let y = 2; y <= 3; y++) for (let x = 40; x <= 60; x++) map[y * w + x] = 0.9;
  const boxes = dbBoxes(
    map,
    w,
    h,
    { x: 2, y: 2 },
    { width: w * 2, height: h * 2 },
    {
      threshold: 0.3,
      boxThreshold: 0.6,
      unclipRatio: 1.5,
      minSize: 3,
      maxCandidates: 100,
    },
  );
  expect(boxes).toHaveLength(1);
  expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
  // Pixel centres span 19 × 5; grown by 19·5·1.5 / (2·24) on each side, then scaled ×2.
  const d = (19 * 5 * 1.5) / 48;
  const [tl, , br] = boxes[0]!.box;
  expect(tl).toEqual([Math.round((10 - d) * 2), Math.round((10 - d) * 2)]);
  expect(br).toEqual([Math.round((29 + d) * 2), Math.round((15 + d) * 2)]);
});

test("reading order: rows top to bottom, left to right within a row", () => {
  const box = (x: number, y: number): { box: Quad; id: string } => ({
    id: `${x},${y}`,
    box: [
      [x, y],
      [x + 10, y],
      [x + 10, y + 5],
      [x, y + 5],
    ],
  });
  const sorted = sortReadingOrder([box(50, 3), box(0, 40), box(0, 0), box(100, 42)]);
  expect(sorted.map((b) => b.id)).toEqual(["0,0", "50,3", "0,40", "100,42"]);
});

test("a box much taller than wide is read a quarter turn round; flip adds half a turn", () => {
  const tall: Quad = [
    [0, 0],
    [10, 0],
    [10, 40],
    [0, 40],
  ];
  expect(readingQuad(tall)[0]).toEqual([10, 0]);
  expect(readingQuad(tall, true)[0]).toEqual([0, 40]);
  const wide: Quad = [
    [0, 0],
    [40, 0],
    [40, 10],
    [0, 10],
  ];
  expect(readingQuad(wide)).toEqual(wide);
});

test("detector input: longer side capped, then padded to multiples of 32", () => {
  expect(detInputSize(640, 120, 960)).toEqual({ width: 640, height: 120, padWidth: 640, padHeight: 128 });
  expect(detInputSize(1920, 1080, 960)).toEqual({ width: 960, height: 540, padWidth: 960, padHeight: 544 });
  expect(detInputSize(10, 10, 960)).toEqual({ width: 10, height: 10, padWidth: 32, padHeight: 32 });
});

test("CTC greedy: repeats merge, blanks split them, the space class is last", () => {
  const alphabet = ocrAlphabet("a\nb\n", 4);
  expect(alphabet).toEqual(["", "a", "b", " "]);
  // Steps: a a blank a b space b → "aab b".
  const best = [1, 1, 0, 1, 2, 3, 2];
  const probs = new Float32Array(best.length * 4);
  best.forEach((c, t) => {
    probs.fill(0.1 / 3, t * 4, t * 4 + 4);
    probs[t * 4 + c] = 0.9;
  });
  const r = ctcGreedy(probs, best.length, 4, alphabet);
  expect(r.text).toBe("aab b");
  expect(r.score).toBeCloseTo(0.9, 5);
  expect(ocrAlphabet("a\r\nb", 3)).toEqual(["", "a", "b"]);
});
