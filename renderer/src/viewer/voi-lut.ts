import { buildVoiLut, type LutSpec } from '../../../base/common/voi-window.js';

/** Recently built tables: the viewport and the series strip each ask for theirs on every image. */
const LUT_CACHE_SIZE = 4;
const lutCache: { key: string; lut: Uint8Array }[] = [];

/**
 * buildVoiLut, kept while the presentation stays the same: the images of a series share their
 * window, rescale and photometric interpretation, so a live series builds its table once and each
 * new image is only looked up through it. The table must not be written to.
 */
export function cachedVoiLut(spec: LutSpec): Uint8Array {
  const { minStored, maxStored, rescaleSlope, rescaleIntercept, window, inverted } = spec;
  const key = `${minStored} ${maxStored} ${rescaleSlope} ${rescaleIntercept} ${window.center} ${window.width} ${inverted}`;
  const at = lutCache.findIndex((entry) => entry.key === key);
  if (at >= 0) {
    const [hit] = lutCache.splice(at, 1);
    lutCache.unshift(hit);
    return hit.lut;
  }
  const lut = buildVoiLut(spec);
  lutCache.unshift({ key, lut });
  lutCache.length = Math.min(lutCache.length, LUT_CACHE_SIZE);
  return lut;
}

/** MONOCHROME1 shows the minimum white; the user's invert flips whatever the image asks for. */
export function isInverted(photometric: 'MONOCHROME1' | 'MONOCHROME2', userInvert: boolean): boolean {
  return (photometric === 'MONOCHROME1') !== userInvert;
}
