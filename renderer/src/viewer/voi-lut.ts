import { linearVoi, type WindowLevel } from '../../../base/common/voi-window.js';
import { rescale } from './pixels.js';

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
 * One grey level per stored value from minStored to maxStored: rescale, then VOI, then the
 * presentation inversion. Built again on every W/L change (at most 65536 entries, well under a
 * millisecond); the pixels themselves are never decoded again.
 */
export function buildVoiLut(spec: LutSpec): Uint8Array {
  const size = spec.maxStored - spec.minStored + 1;
  if (!Number.isInteger(size) || size < 1 || size > 65536) {
    throw new RangeError(`stored value range ${spec.minStored}..${spec.maxStored} does not fit a 16-bit LUT`);
  }
  const lut = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const grey = linearVoi(rescale(spec.minStored + i, spec.rescaleSlope, spec.rescaleIntercept), spec.window);
    lut[i] = spec.inverted ? 255 - grey : grey;
  }
  return lut;
}

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
