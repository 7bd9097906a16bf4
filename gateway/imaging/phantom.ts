/**
 * Digital head phantom: an analytic 3-D model of an adult head built from nested ellipsoids
 * (scalp, subcutaneous fat, skull tables with fatty marrow between them, subarachnoid CSF,
 * folded cortex, white matter, interhemispheric fissure, deep grey nuclei, ventricles).
 *
 * `phantomSlice()` rasterises one axial slice at a given matrix, pixel spacing and slice
 * position into a tissue map with partial volume: each pixel holds at most two tissues and the
 * fraction of the second, so edges are smooth at any resolution and thick slices blur
 * through-plane the way real ones do. Slices are cached (bounded LRU), so every series of an
 * exam that shares a geometry reuses the same map and a render only has to apply the signal
 * table and the noise.
 *
 * Coordinates are DICOM patient coordinates (LPS, PS3.3 C.7.6.2.1.1) in mm: +x towards the
 * patient's left, +y posterior, +z superior. The image's rows run along +x and its columns
 * along +y (Image Orientation 1\0\0\0\1\0), so anterior is at the top and the patient's
 * right on the viewer's left, as radiologists expect.
 */
import { Tissue, type Tissue as TissueId } from './tissues.js';

export interface SliceGeometry {
  rows: number;
  columns: number;
  /** Distance between adjacent rows (along y), mm: PixelSpacing[0] (PS3.3 10.7.1.3). */
  rowSpacingMm: number;
  /** Distance between adjacent columns (along x), mm: PixelSpacing[1]. */
  columnSpacingMm: number;
  sliceThicknessMm: number;
  /** z of the slice plane, mm (Slice Location). */
  zMm: number;
}

/** Two-tissue partial-volume map of one slice. */
export interface PhantomSlice {
  readonly geometry: SliceGeometry;
  /** Dominant tissue per pixel (`Tissue` ids). */
  readonly tissueA: Uint8Array;
  /** Second tissue per pixel, meaningful where `fractionB` > 0. */
  readonly tissueB: Uint8Array;
  /** Fraction of tissue B in the pixel, 0..255 for 0..1. */
  readonly fractionB: Uint8Array;
}

interface Ellipsoid {
  /** Rotation about z, degrees (positive turns +x towards +y). */
  rotDeg?: number;
  cx: number;
  cy: number;
  cz: number;
  ax: number;
  ay: number;
  az: number;
}

/** Head outline; the inner shells are this ellipsoid shrunk by a given depth in mm. */
const HEAD: Ellipsoid = { cx: 0, cy: 6, cz: 5, ax: 78, ay: 98, az: 100 };
/** Depth from the skin of each shell's outer surface, mm, painted in this order. */
const SHELLS: readonly { tissue: TissueId; depthMm: number }[] = [
  { tissue: Tissue.muscle, depthMm: 0 }, // scalp (skin, galea)
  { tissue: Tissue.fat, depthMm: 2 }, // subcutaneous fat
  { tissue: Tissue.bone, depthMm: 6 }, // outer table
  { tissue: Tissue.fat, depthMm: 8 }, // diploe (fatty marrow)
  { tissue: Tissue.bone, depthMm: 10 }, // inner table
  { tissue: Tissue.csf, depthMm: 12 }, // subarachnoid space
];
/** Outer cortical surface (before sulci are cut into it). */
const BRAIN_DEPTH_MM = 14;
const BRAIN = shrink(HEAD, BRAIN_DEPTH_MM);

/** Deep grey nuclei, then ventricles, painted over the white matter (mirrored left/right). */
const DEEP_GREY: readonly Ellipsoid[] = mirrored([
  { cx: 14, cy: -16, cz: 16, ax: 6, ay: 10, az: 10 }, // caudate head
  { cx: 25, cy: -2, cz: 8, ax: 5, ay: 14, az: 11 }, // putamen
  { cx: 11, cy: 14, cz: 6, ax: 9, ay: 14, az: 10 }, // thalamus
]);
const VENTRICLES: readonly Ellipsoid[] = [
  ...mirrored([
    { cx: 11, cy: -20, cz: 18, ax: 4.5, ay: 15, az: 9, rotDeg: 22 }, // frontal horns, diverging
    { cx: 9, cy: 4, cz: 21, ax: 5, ay: 20, az: 9, rotDeg: -6 }, // bodies
    { cx: 17, cy: 28, cz: 17, ax: 5, ay: 12, az: 10, rotDeg: -30 }, // atria, fanning out
  ]),
  { cx: 0, cy: 8, cz: 6, ax: 2, ay: 12, az: 8 }, // third ventricle
];
/** The corpus callosum interrupts the interhemispheric fissure below this height. */
const CALLOSUM_TOP_Z = 32;

function shrink(e: Ellipsoid, depthMm: number): Ellipsoid {
  return { ...e, ax: e.ax - depthMm, ay: e.ay - depthMm, az: e.az - depthMm };
}

function mirrored(right: readonly Ellipsoid[]): Ellipsoid[] {
  return right.flatMap((e) => [e, { ...e, cx: -e.cx, rotDeg: -(e.rotDeg ?? 0) }]);
}

/**
 * x-interval (mm) where the axis-aligned ellipsoid `e`, scaled by `grow`, meets row y of slice
 * z; null when it does not. Used to bound the pixel loops (a tight loop over only the pixels a
 * structure can touch is what keeps a 512x512 slice cheap).
 */
function xSpan(e: Ellipsoid, y: number, qAbs: number, grow: number): [number, number] | null {
  const v = (y - e.cy) / e.ay;
  const rest = grow * grow - v * v - qAbs * qAbs;
  if (rest <= 0) return null;
  const half = e.ax * Math.sqrt(rest);
  return [e.cx - half, e.cx + half];
}

/** Writes tissue `t` over a pixel with coverage `c` (0..1), keeping the two largest parts. */
class SlicePainter {
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  readonly w: Float32Array;
  constructor(readonly g: SliceGeometry) {
    const n = g.rows * g.columns;
    this.a = new Uint8Array(n); // Tissue.background = 0
    this.b = new Uint8Array(n);
    this.w = new Float32Array(n);
  }

  paint(i: number, t: number, c: number): void {
    if (c <= 0) return;
    if (c >= 1) {
      this.a[i] = t;
      this.w[i] = 0;
      return;
    }
    const wi = this.w[i];
    const dominant = wi > 0.5 ? this.b[i] : this.a[i];
    const other = wi > 0.5 ? this.a[i] : this.b[i];
    if (dominant === t) {
      // The tissue is already the larger part: its share can only grow.
      const share = Math.max(wi > 0.5 ? wi : 1 - wi, c);
      this.a[i] = t;
      this.b[i] = other;
      this.w[i] = 1 - share;
      return;
    }
    this.a[i] = dominant;
    this.b[i] = t;
    this.w[i] = c;
  }

  /** x (mm) of column `col`, y (mm) of row `row`: the image is centred on the magnet's axis. */
  xOf(col: number): number {
    return (col - (this.g.columns - 1) / 2) * this.g.columnSpacingMm;
  }
  yOf(row: number): number {
    return (row - (this.g.rows - 1) / 2) * this.g.rowSpacingMm;
  }

  /** Columns strictly inside the x-interval [lo, hi] mm (possibly empty: c0 > c1). */
  colsInside(lo: number, hi: number): [number, number] {
    const s = this.g.columnSpacingMm;
    const c0 = (this.g.columns - 1) / 2;
    return [Math.max(0, Math.ceil(lo / s + c0)), Math.min(this.g.columns - 1, Math.floor(hi / s + c0))];
  }

  /** Column/row range covering [lo, hi] mm, clamped to the image. */
  colRange(lo: number, hi: number): [number, number] {
    const s = this.g.columnSpacingMm;
    const c0 = (this.g.columns - 1) / 2;
    return [Math.max(0, Math.floor(lo / s + c0) - 1), Math.min(this.g.columns - 1, Math.ceil(hi / s + c0) + 1)];
  }
  rowRange(lo: number, hi: number): [number, number] {
    const s = this.g.rowSpacingMm;
    const r0 = (this.g.rows - 1) / 2;
    return [Math.max(0, Math.floor(lo / s + r0) - 1), Math.min(this.g.rows - 1, Math.ceil(hi / s + r0) + 1)];
  }
}

/**
 * Coverage of a voxel by the set {r < boundary}, where r is a normalised ellipsoid radius:
 * the signed distance (boundary - r) divided by how much r changes across the voxel (its
 * gradient scaled by the voxel's size in each direction, slice thickness included).
 */
function coverage(boundary: number, r: number, gradAcrossVoxel: number): number {
  const c = 0.5 + (boundary - r) / gradAcrossVoxel;
  return c <= 0 ? 0 : c >= 1 ? 1 : c;
}

/**
 * Paints ellipsoid `e`. `hole`, when given, is an ellipsoid painted later that will cover its
 * inside completely, so those pixels are skipped (the head's shells are nested).
 */
function paintEllipsoid(p: SlicePainter, e: Ellipsoid, t: number, hole?: Ellipsoid): void {
  const { zMm, columnSpacingMm: dx, rowSpacingMm: dy, sliceThicknessMm: dz } = p.g;
  const q = (zMm - e.cz) / e.az;
  const halfThick = dz / 2 / e.az;
  if (Math.abs(q) - halfThick >= 1) return;
  const rotated = (e.rotDeg ?? 0) !== 0;
  const reach = rotated ? Math.max(e.ax, e.ay) : 0;
  const [c0, c1] = p.colRange(e.cx - (reach || e.ax), e.cx + (reach || e.ax));
  const [r0, r1] = p.rowRange(e.cy - (reach || e.ay), e.cy + (reach || e.ay));
  const cos = Math.cos(((e.rotDeg ?? 0) * Math.PI) / 180);
  const sin = Math.sin(((e.rotDeg ?? 0) * Math.PI) / 180);
  const gz = ((q / e.az) * dz) ** 2;
  // Bounds: partial volume reaches ~2 pixels (and half a slice) beyond the surface.
  const pixel = Math.max(dx, dy);
  const grow = 1 + (2 * pixel) / Math.min(e.ax, e.ay);
  const qNear = Math.max(0, Math.abs(q) - halfThick);
  const holeQ = hole ? Math.abs(zMm - hole.cz) / hole.az + dz / hole.az : 0;
  const holeShrink = hole ? 1 - (2 * pixel) / Math.min(hole.ax, hole.ay) : 0;
  for (let row = r0; row <= r1; row++) {
    const yMm = p.yOf(row);
    let lo = c0;
    let hi = c1;
    if (!rotated) {
      const span = xSpan(e, yMm, qNear, grow);
      if (span === null) continue;
      [lo, hi] = p.colRange(span[0], span[1]);
    }
    const holeSpan = hole ? xSpan(hole, yMm, holeQ, holeShrink) : null;
    const [h0, h1] = holeSpan ? p.colsInside(holeSpan[0], holeSpan[1]) : [1, 0];
    const y = yMm - e.cy;
    const base = row * p.g.columns;
    for (let col = lo; col <= hi; col++) {
      if (col >= h0 && col <= h1) {
        col = h1;
        continue;
      }
      const x = p.xOf(col) - e.cx;
      // Into the ellipsoid's own frame (rotation about z).
      const u = (x * cos + y * sin) / e.ax;
      const v = (-x * sin + y * cos) / e.ay;
      const r = Math.sqrt(u * u + v * v + q * q);
      // Gradient of r in patient x/y, scaled by the voxel size in each direction.
      const gu = u / e.ax;
      const gv = v / e.ay;
      const gx = (gu * cos - gv * sin) * dx;
      const gy = (gu * sin + gv * cos) * dy;
      const grad = Math.sqrt(gx * gx + gy * gy + gz) / Math.max(r, 1e-6);
      p.paint(base + col, t, coverage(1, r, Math.max(grad, 1e-6)));
    }
  }
}

/** Cortical ribbon thickness, mm (adult cortex is ~2.5-3 mm). */
const CORTEX_MM = 2.8;
const SULCUS_MEAN_DEPTH_MM = 12.5;
const SULCUS_DEPTH_SPREAD_MM = 4.5;
const SULCUS_MAX_DEPTH_MM = SULCUS_MEAN_DEPTH_MM + SULCUS_DEPTH_SPREAD_MM;
/** Sulci around the brain's circumference in one axial section (~16 per hemisphere). */
const SULCI_PER_TURN = 32;

/**
 * Cortex, sulci and white matter. Sulci are thin CSF clefts running from the brain surface
 * down to a depth that varies from fold to fold (8-17 mm); the cortex is a ribbon of constant
 * thickness lining the surface and both banks of every sulcus, and white matter fills the rest,
 * reaching into each gyrus. The fold phase winds with z and is irregular (two warp terms), so
 * neighbouring slices and the two hemispheres differ, as in a real brain.
 */
function paintCortexAndWhiteMatter(p: SlicePainter): void {
  const e = BRAIN;
  const { zMm, columnSpacingMm: dx, rowSpacingMm: dy, sliceThicknessMm: dz } = p.g;
  const q = (zMm - e.cz) / e.az;
  if (Math.abs(q) - dz / 2 / e.az >= 1) return;
  const [c0, c1] = p.colRange(e.cx - e.ax, e.cx + e.ax);
  const [r0, r1] = p.rowRange(e.cy - e.ay, e.cy + e.ay);
  const gz = ((q / e.az) * dz) ** 2;
  const pixel = Math.sqrt(dx * dy);
  const grow = 1 + (2 * Math.max(dx, dy)) / Math.min(e.ax, e.ay);
  const qNear = Math.max(0, Math.abs(q) - dz / 2 / e.az);
  // Deeper than the deepest sulcus plus cortex (and a margin) is plain white matter.
  const deep = shrink(e, SULCUS_MAX_DEPTH_MM + CORTEX_MM + 6);
  const deepQ = Math.abs(zMm - deep.cz) / deep.az + dz / deep.az;
  for (let row = r0; row <= r1; row++) {
    const yMm = p.yOf(row);
    const span = xSpan(e, yMm, qNear, grow);
    if (span === null) continue;
    const [lo, hi] = p.colRange(Math.max(span[0], e.cx - e.ax), Math.min(span[1], e.cx + e.ax));
    const deepSpan = xSpan(deep, yMm, deepQ, 1);
    const [h0, h1] = deepSpan ? p.colsInside(deepSpan[0], deepSpan[1]) : [1, 0];
    const v = (yMm - e.cy) / e.ay;
    const gy = ((v / e.ay) * dy) ** 2;
    const base = row * p.g.columns;
    for (let col = Math.max(lo, c0); col <= Math.min(hi, c1); col++) {
      if (col >= h0 && col <= h1) {
        p.paint(base + col, Tissue.whiteMatter, 1);
        continue;
      }
      const x = p.xOf(col) - e.cx;
      const u = x / e.ax;
      const r = Math.sqrt(u * u + v * v + q * q);
      if (r > 1.05) continue;
      const i = base + col;
      const grad = Math.max(Math.sqrt(((u / e.ax) * dx) ** 2 + gy + gz) / Math.max(r, 1e-6), 1e-6);
      p.paint(i, Tissue.greyMatter, coverage(1, r, grad));
      // Local scale: mm from the centre to the surface along this ray (in-plane).
      const inPlane = Math.max(Math.sqrt(u * u + v * v), 1e-6);
      const radiusMm = Math.sqrt(x * x + (v * e.ay) ** 2);
      const scale = radiusMm / inPlane;
      const depthFromSurface = (1 - r) * scale;
      const theta = Math.atan2(v, u);
      // Sulci lean and curve with depth; the lean varies smoothly around the brain.
      const lean = 2.4 * Math.sin(5 * theta + zMm / 17) * (depthFromSurface / 10) ** 1.3;
      const phase =
        SULCI_PER_TURN * theta + 2.2 * Math.sin(3 * theta + zMm / 23) + 1.1 * Math.sin(7 * theta - zMm / 11) + zMm / 9 + (depthFromSurface > 0 ? lean : 0);
      const offset = phase / (2 * Math.PI) - Math.round(phase / (2 * Math.PI)); // -0.5..0.5 of a fold
      const lateralMm = (Math.abs(offset) * 2 * Math.PI * radiusMm) / SULCI_PER_TURN;
      const sulcusDepthMm = SULCUS_MEAN_DEPTH_MM + SULCUS_DEPTH_SPREAD_MM * Math.sin(5 * theta + Math.round(phase / (2 * Math.PI)) * 2.1 + zMm / 13);
      const toSulcus = depthFromSurface <= sulcusDepthMm ? lateralMm : Math.hypot(lateralMm, depthFromSurface - sulcusDepthMm);
      // Clefts open slightly towards the surface.
      const halfWidth = 0.5 + 0.6 * Math.max(0, 1 - depthFromSurface / sulcusDepthMm);
      const toCsf = Math.min(Math.max(0, depthFromSurface), Math.max(0, toSulcus - halfWidth));
      p.paint(i, Tissue.whiteMatter, Math.min(1, Math.max(0, 0.5 + (toCsf - CORTEX_MM) / pixel)));
      if (r < 1) p.paint(i, Tissue.csf, Math.min(1, Math.max(0, 0.5 + (halfWidth - toSulcus) / pixel)));
    }
  }
}

/** Midline CSF cleft lined by cortex, above the corpus callosum or towards the poles. */
function paintInterhemisphericFissure(p: SlicePainter): void {
  const e = BRAIN;
  const { zMm, columnSpacingMm: dx } = p.g;
  const q = (zMm - e.cz) / e.az;
  if (Math.abs(q) >= 1) return;
  const [c0, c1] = p.colRange(-6, 6);
  const [r0, r1] = p.rowRange(e.cy - e.ay, e.cy + e.ay);
  const aboveCallosum = zMm > CALLOSUM_TOP_Z;
  for (let row = r0; row <= r1; row++) {
    const v = (p.yOf(row) - e.cy) / e.ay;
    const inPlane = Math.sqrt(v * v + q * q);
    if (inPlane >= 1) continue;
    // Below the callosum the fissure only separates the frontal and occipital poles.
    if (!aboveCallosum && Math.abs(v) < 0.5) continue;
    const base = row * p.g.columns;
    for (let col = c0; col <= c1; col++) {
      const ax = Math.abs(p.xOf(col));
      p.paint(base + col, Tissue.greyMatter, Math.min(1, Math.max(0, 0.5 + (3.5 - ax) / dx)));
      p.paint(base + col, Tissue.csf, Math.min(1, Math.max(0, 0.5 + (1.0 - ax) / dx)));
    }
  }
}

function rasterise(g: SliceGeometry): PhantomSlice {
  const p = new SlicePainter(g);
  SHELLS.forEach((shell, k) => {
    const inner = k + 1 < SHELLS.length ? SHELLS[k + 1].depthMm : BRAIN_DEPTH_MM;
    paintEllipsoid(p, shrink(HEAD, shell.depthMm), shell.tissue, shrink(HEAD, inner));
  });
  paintCortexAndWhiteMatter(p);
  paintInterhemisphericFissure(p);
  for (const e of DEEP_GREY) paintEllipsoid(p, e, Tissue.greyMatter);
  for (const e of VENTRICLES) paintEllipsoid(p, e, Tissue.csf);
  const fractionB = new Uint8Array(p.w.length);
  for (let i = 0; i < fractionB.length; i++) fractionB[i] = Math.round(p.w[i] * 255);
  return { geometry: g, tissueA: p.a, tissueB: p.b, fractionB };
}

/** Bytes of cached slice maps kept at most (LRU); a 512x512 map is 768 KiB. */
const CACHE_LIMIT_BYTES = 96 * 1024 * 1024;
const cache = new Map<string, PhantomSlice>();
let cachedBytes = 0;

function cacheKey(g: SliceGeometry): string {
  return `${g.rows}x${g.columns}|${g.rowSpacingMm}|${g.columnSpacingMm}|${g.sliceThicknessMm}|${g.zMm}`;
}

/** The phantom's tissue map for one slice, computed once per geometry and cached. */
export function phantomSlice(g: SliceGeometry): PhantomSlice {
  const key = cacheKey(g);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // re-insert: Map order is the LRU order
    cache.set(key, hit);
    return hit;
  }
  const slice = rasterise(g);
  const bytes = g.rows * g.columns * 3;
  cache.set(key, slice);
  cachedBytes += bytes;
  for (const [k, v] of cache) {
    if (cachedBytes <= CACHE_LIMIT_BYTES || k === key) break;
    cache.delete(k);
    cachedBytes -= v.geometry.rows * v.geometry.columns * 3;
  }
  return slice;
}

/** For tests and benchmarks. */
export function clearPhantomCache(): void {
  cache.clear();
  cachedBytes = 0;
}

/** z of the centre of the brain's ventricular level, where a default slab is centred. */
export const PHANTOM_SLAB_CENTRE_Z_MM = 16;
