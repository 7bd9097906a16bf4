import type { ImageMeta } from './pixels.js';

/**
 * Image geometry for display: the shape of a pixel on screen, the patient directions at the
 * image's edges, and where another image's plane cuts this one (reference lines).
 * Patient coordinates are LPS (PS3.3 C.7.6.2.1.1): +x towards the patient's left, +y posterior,
 * +z towards the head.
 */

type GeometryMeta = Pick<ImageMeta, 'rows' | 'columns' | 'pixelSpacingMm'> &
  Partial<Pick<ImageMeta, 'pixelAspectRatio' | 'imageOrientationPatient' | 'imagePositionPatient' | 'frameOfReferenceUid'>>;

/**
 * Relative width and height of one pixel on screen, the smaller being 1. Pixel Spacing is
 * "row spacing \ column spacing" (PS3.3 10.7.1.3): the first value is the pixel's height.
 * Without it, Pixel Aspect Ratio (0028,0034, "vertical \ horizontal"); else square, as
 * OHIF/Cornerstone do.
 */
export function pixelShape(meta: GeometryMeta): { width: number; height: number } {
  const [height, width] = meta.pixelSpacingMm && meta.pixelSpacingMm.every((v) => v > 0) ? meta.pixelSpacingMm : (meta.pixelAspectRatio ?? [1, 1]);
  const smaller = Math.min(width, height);
  return { width: width / smaller, height: height / smaller };
}

/** Letters for one direction, most significant first; oblique directions get two or three. */
export function directionLabel(vector: readonly number[]): string {
  const letters: [string, string][] = [
    ['L', 'R'],
    ['P', 'A'],
    ['H', 'F'],
  ];
  return [0, 1, 2]
    .filter((axis) => Math.abs(vector[axis]) >= 0.25)
    .sort((a, b) => Math.abs(vector[b]) - Math.abs(vector[a]))
    .map((axis) => (vector[axis] > 0 ? letters[axis][0] : letters[axis][1]))
    .join('');
}

export interface OrientationMarkers {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/**
 * The patient direction at each edge of the displayed image (PS3.3 C.7.6.1.1.1 Patient
 * Orientation, derived from Image Orientation (Patient)): the row vector points to the right
 * edge, the column vector to the bottom edge. Null when the image does not say.
 */
export function orientationMarkers(meta: GeometryMeta): OrientationMarkers | null {
  const o = meta.imageOrientationPatient;
  if (!o) return null;
  const row = o.slice(0, 3);
  const column = o.slice(3, 6);
  const negate = (v: number[]) => v.map((x) => -x);
  return { right: directionLabel(row), left: directionLabel(negate(row)), bottom: directionLabel(column), top: directionLabel(negate(column)) };
}

interface Plane {
  origin: readonly number[];
  row: readonly number[];
  column: readonly number[];
  normal: number[];
}

function cross(a: readonly number[], b: readonly number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function planeOf(meta: GeometryMeta): Plane | null {
  const o = meta.imageOrientationPatient;
  const p = meta.imagePositionPatient;
  if (!o || !p || !meta.pixelSpacingMm) return null;
  const row = o.slice(0, 3);
  const column = o.slice(3, 6);
  return { origin: p, row, column, normal: cross(row, column) };
}

/** A line across an image, in its pixel coordinates (column, row; pixel centres at integers). */
export interface ImageLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Where the plane of `slice` cuts the image `target`, clipped to the target's extent, in the
 * target's pixel coordinates: the reference line a console draws on a localizer. Null when the
 * two do not share a Frame of Reference (PS3.3 C.7.4.1), lack geometry, are parallel (within
 * about 8 degrees) or the cut misses the image.
 */
export function referenceLine(target: GeometryMeta, slice: GeometryMeta): ImageLine | null {
  if (!target.frameOfReferenceUid || target.frameOfReferenceUid !== slice.frameOfReferenceUid) return null;
  const t = planeOf(target);
  const s = planeOf(slice);
  if (!t || !s) return null;
  const n = s.normal;
  const [rowSpacing, columnSpacing] = target.pixelSpacingMm!;
  // Points of the target at pixel (c, r): origin + c * columnSpacing * row + r * rowSpacing * column.
  // On the slice's plane where a*c + b*r + d = 0.
  const a = columnSpacing * dot(n, t.row);
  const b = rowSpacing * dot(n, t.column);
  const d = dot(
    n,
    [0, 1, 2].map((k) => t.origin[k] - s.origin[k]),
  );
  if (Math.hypot(a / columnSpacing, b / rowSpacing) < 0.14) return null;
  return clipLine(a, b, d, -0.5, -0.5, target.columns - 0.5, target.rows - 0.5);
}

/** The segment of a*x + b*y + d = 0 inside the rectangle, or null. */
function clipLine(a: number, b: number, d: number, x0: number, y0: number, x1: number, y1: number): ImageLine | null {
  const points: [number, number][] = [];
  const add = (x: number, y: number) => {
    if (x < x0 - 1e-9 || x > x1 + 1e-9 || y < y0 - 1e-9 || y > y1 + 1e-9) return;
    if (points.some(([px, py]) => Math.abs(px - x) < 1e-6 && Math.abs(py - y) < 1e-6)) return;
    points.push([x, y]);
  };
  if (b !== 0) {
    add(x0, -(a * x0 + d) / b);
    add(x1, -(a * x1 + d) / b);
  }
  if (a !== 0) {
    add(-(b * y0 + d) / a, y0);
    add(-(b * y1 + d) / a, y1);
  }
  if (points.length < 2) return null;
  return { x1: points[0][0], y1: points[0][1], x2: points[1][0], y2: points[1][1] };
}
