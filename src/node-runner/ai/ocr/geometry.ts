/** A point in image pixels. */
export type Point = [number, number];

/** A quadrilateral, top-left first, clockwise (tl, tr, br, bl). */
export type Quad = [Point, Point, Point, Point];

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-down image space, no repeats. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower.at(-2)!, lower.at(-1)!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper.at(-2)!, upper.at(-1)!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** A rotated rectangle: centre, side lengths, and the unit vector along `width`. */
export interface RotatedRect {
  center: Point;
  width: number;
  height: number;
  /** Unit vector of the `width` side; the `height` side is its normal. */
  axis: Point;
}

/**
 * The minimum-area enclosing rectangle of a point set (rotating calipers over the hull's edges: the
 * optimum has a side on one of them). Degenerate sets give a zero-sized rectangle.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { center: [0, 0], width: 0, height: 0, axis: [1, 0] };
  if (hull.length === 1) return { center: [...hull[0]!], width: 0, height: 0, axis: [1, 0] };
  let best: RotatedRect | null = null;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const ux = (b[0] - a[0]) / len;
    const uy = (b[1] - a[1]) / len;
    let minU = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        center: [cu * ux - cv * uy, cu * uy + cv * ux],
        width: maxU - minU,
        height: maxV - minV,
        axis: [ux, uy],
      };
    }
  }
  return best!;
}

/** The rectangle's corners, ordered top-left, top-right, bottom-right, bottom-left. */
export function rectCorners(r: RotatedRect): Quad {
  const [ux, uy] = r.axis;
  const [vx, vy] = [-uy, ux];
  const hw = r.width / 2;
  const hh = r.height / 2;
  const [cx, cy] = r.center;
  return orderQuad([
    [cx - hw * ux - hh * vx, cy - hw * uy - hh * vy],
    [cx + hw * ux - hh * vx, cy + hw * uy - hh * vy],
    [cx + hw * ux + hh * vx, cy + hw * uy + hh * vy],
    [cx - hw * ux + hh * vx, cy - hw * uy + hh * vy],
  ]);
}

/**
 * Orders four corners as PaddleOCR does: the two leftmost (by x) give top-left and bottom-left by
 * y, the two rightmost give top-right and bottom-right.
 */
export function orderQuad(points: readonly Point[]): Quad {
  const s = [...points].sort((a, b) => a[0] - b[0]);
  const [l0, l1, r0, r1] = s as [Point, Point, Point, Point];
  const [tl, bl] = l0[1] <= l1[1] ? [l0, l1] : [l1, l0];
  const [tr, br] = r0[1] <= r1[1] ? [r0, r1] : [r1, r0];
  return [tl, tr, br, bl];
}

/**
 * Grows a rectangle by `d` on every side. This is exactly the minimum-area rectangle of the
 * rectangle offset outwards by `d` with round joins (the "unclip" of DB text detection), so no
 * general polygon-offset library is needed for rectangular boxes.
 */
export function growRect(r: RotatedRect, d: number): RotatedRect {
  return { ...r, width: r.width + 2 * d, height: r.height + 2 * d };
}

/** Whether p lies inside (or on) the convex quadrilateral q, whichever way it winds. */
export function insideConvexQuad(q: Quad, p: Point): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const c = cross(q[i]!, q[(i + 1) % 4]!, p);
    if (c === 0) continue;
    const s = Math.sign(c);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

export const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
