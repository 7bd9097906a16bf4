/** Structurally protocol/collaboration.ts's ImagePoint and MarkShape (base/common imports nothing of the project). */
type ImagePoint = [number, number];
type MarkShape = 'arrow' | 'circle' | 'freehand';

/**
 * Marks drawn on a live image (docs/architecture.md "Collaboration"), shared by the workstation's
 * viewport and the onsite console's viewer: points are image pixel coordinates in PS3.3
 * C.10.5.1.2's "image relative" convention ((0,0) is the top left corner of the top left pixel),
 * so a mark stays on the anatomy whatever the zoom, pan or window size on either side.
 */

export interface ScreenBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A pointer position on screen -> image pixel coordinates, given where the whole image is drawn
 * (the bounding box of the transformed canvas: zoom, pan and pixel shape are all in it).
 */
export function toImagePoint(clientX: number, clientY: number, drawn: ScreenBox, columns: number, rows: number): ImagePoint {
  const x = ((clientX - drawn.left) / drawn.width) * columns;
  const y = ((clientY - drawn.top) / drawn.height) * rows;
  return [round2(x), round2(y)];
}

/** The inverse: where an image point is on screen. */
export function toScreenPoint(point: ImagePoint, drawn: ScreenBox, columns: number, rows: number): { x: number; y: number } {
  return { x: drawn.left + (point[0] / columns) * drawn.width, y: drawn.top + (point[1] / rows) * drawn.height };
}

/**
 * Add one point to a mark being drawn. Arrows and circles keep their first point and the newest;
 * a freehand path takes a point only once it has moved `minStep` image pixels, and never more
 * than `maxPoints` (the protocol's MAX_MARK_POINTS).
 */
export function extendMark(shape: MarkShape, points: readonly ImagePoint[], next: ImagePoint, maxPoints: number, minStep = 1): ImagePoint[] {
  if (points.length === 0) return [next];
  if (shape !== 'freehand') return [points[0]!, next];
  const last = points.at(-1)!;
  if (Math.hypot(next[0] - last[0], next[1] - last[1]) < minStep || points.length >= maxPoints) return [...points];
  return [...points, next];
}

/** Whether a drawn mark is more than a click (an accidental click must not send a mark). */
export function isDrawnEnough(points: readonly ImagePoint[], minLength: number): boolean {
  if (points.length < 2) return false;
  const first = points[0]!;
  return points.some((p) => Math.hypot(p[0] - first[0], p[1] - first[1]) >= minLength);
}

/** SVG geometry of a mark in image coordinates; `headLength` is the arrow head's length in image pixels. */
export type MarkDrawing =
  { kind: 'arrow'; line: string; head: string } | { kind: 'circle'; cx: number; cy: number; r: number } | { kind: 'freehand'; path: string };

export function markDrawing(shape: MarkShape, points: readonly ImagePoint[], headLength: number): MarkDrawing {
  const [a, b] = [points[0]!, points.at(-1)!];
  switch (shape) {
    case 'circle':
      return { kind: 'circle', cx: a[0], cy: a[1], r: Math.hypot(b[0] - a[0], b[1] - a[1]) };
    case 'arrow': {
      // Tail first, head last; the head is a filled triangle pointing along the shaft.
      const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
      const wing = (side: number): string => {
        const t = angle + side * (Math.PI * 0.85);
        return `${round2(b[0] + headLength * Math.cos(t))},${round2(b[1] + headLength * Math.sin(t))}`;
      };
      return { kind: 'arrow', line: `M${a[0]},${a[1]} L${b[0]},${b[1]}`, head: `${b[0]},${b[1]} ${wing(1)} ${wing(-1)}` };
    }
    case 'freehand':
      return { kind: 'freehand', path: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p[0]},${p[1]}`).join(' ') };
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
