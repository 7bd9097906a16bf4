/**
 * Greyscale windowing as every picture of an image applies it: the renderer's viewer, the desk's
 * tile thumbnails and the onsite console's preview. Written once so that the same image, in its
 * own window, is the same grey on all three.
 */

/** Window centre and width in rescaled units (the output of the Modality LUT), PS3.3 C.11.2.1.2. */
export interface WindowLevel {
  center: number;
  width: number;
}

/**
 * The linear VOI LUT function of PS3.3 C.11.2.1.2.1, for an 8-bit display (ymin 0, ymax 255):
 *   x <= c - 0.5 - (w-1)/2  -> ymin
 *   x >  c - 0.5 + (w-1)/2  -> ymax
 *   else y = ((x - (c - 0.5)) / (w-1) + 0.5) * (ymax - ymin) + ymin
 * Width below 1 is not allowed by the standard; it is treated as 1 (a hard threshold at c - 0.5).
 */
export function linearVoi(x: number, window: WindowLevel): number {
  const c = window.center;
  const w = Math.max(1, window.width);
  const lower = c - 0.5 - (w - 1) / 2;
  const upper = c - 0.5 + (w - 1) / 2;
  if (x <= lower) return 0;
  if (x > upper) return 255;
  return Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
}

/**
 * Window that covers a rescaled range exactly: with the linear function above, centre
 * (min + max + 1) / 2 and width max - min + 1 map min to 0 and max to 255.
 */
export function windowForRange(min: number, max: number): WindowLevel {
  return { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1) };
}

/**
 * An image's own window: the Window Center and Width it carries (PS3.3 C.11.2), when both are
 * there and the width is one the standard allows (at least 1); else the window of its whole
 * rescaled range, which `range` is asked for only then (it means a pass over the pixels).
 */
export function ownWindow(center: number | null, width: number | null, range: () => { min: number; max: number }): WindowLevel {
  if (center !== null && width !== null && Number.isFinite(center) && Number.isFinite(width) && width >= 1) return { center, width };
  const { min, max } = range();
  return windowForRange(min, max);
}

export interface LutSpec {
  /** Stored-value range the table covers: entry i is for stored value minStored + i. */
  minStored: number;
  maxStored: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  window: WindowLevel;
  /** True for MONOCHROME1 XOR the user's invert: the lowest value is shown white (PS3.3 C.7.6.3.1.2). */
  inverted: boolean;
}

/**
 * One grey level per stored value from minStored to maxStored: rescale (the Modality LUT, PS3.3
 * C.11.1), then VOI, then the presentation inversion. Built again on every W/L change (at most 65536 entries, well under a
 * millisecond); the pixels themselves are never decoded again.
 */
export function buildVoiLut(spec: LutSpec): Uint8Array {
  const size = spec.maxStored - spec.minStored + 1;
  if (!Number.isInteger(size) || size < 1 || size > 65536) {
    throw new RangeError(`stored value range ${spec.minStored}..${spec.maxStored} does not fit a 16-bit LUT`);
  }
  const lut = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const grey = linearVoi((spec.minStored + i) * spec.rescaleSlope + spec.rescaleIntercept, spec.window);
    lut[i] = spec.inverted ? 255 - grey : grey;
  }
  return lut;
}

/** Smallest and largest stored value present in the pixels; 0 and 0 for none. */
export function storedRange(stored: ArrayLike<number>): { minStored: number; maxStored: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < stored.length; i++) {
    const value = stored[i]!;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { minStored: min, maxStored: max } : { minStored: 0, maxStored: 0 };
}

/**
 * Lowest and highest rescaled value (stored x slope + intercept, the Modality LUT of PS3.3
 * C.11.1) of a stored range: the rescale is linear, so the range's ends are the rescaled ends
 * (swapped by a negative slope).
 */
export function rescaledRange(range: { minStored: number; maxStored: number }, slope: number, intercept: number): { min: number; max: number } {
  const a = range.minStored * slope + intercept;
  const b = range.maxStored * slope + intercept;
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** Lowest and highest rescaled value of the pixels; 0 and 0 for none. */
export function rescaledMinMax(stored: ArrayLike<number>, slope: number, intercept: number): { min: number; max: number } {
  return stored.length === 0 ? { min: 0, max: 0 } : rescaledRange(storedRange(stored), slope, intercept);
}
