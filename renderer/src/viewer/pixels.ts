import type { PreviewImage } from '../../../protocol/api.js';
import { ErrorCode } from '../../../protocol/errors.js';
import { storedRange } from '../../../base/common/voi-window.js';

/** Stored pixel values (PS3.3 C.7.6.3.1): one sample per pixel, row by row, no copy of the received buffer. */
export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array;

/** Everything about a preview image except its pixel buffer. */
export type ImageMeta = Omit<PreviewImage, 'pixels'>;

/** A received image as the viewer keeps it: metadata plus a typed view over the buffer, held once. */
export interface ViewerImage {
  meta: ImageMeta;
  pixels: StoredPixels;
  /** Order of arrival in this window, 1-based: ties in instance order and "newest" are decided by it. */
  arrival: number;
}

export class ImageRefusedError extends Error {
  readonly code = ErrorCode.UNSUPPORTED_IMAGE;
}

/** Largest matrix the viewer accepts; far beyond MR (512-1024) but bounds the buffers it allocates. */
const MAX_MATRIX = 4096;

/**
 * The typed view the stored values are read through: bits allocated and pixel representation
 * (PS3.3 C.7.6.3.1.4: 0 unsigned, 1 two's complement) choose the array type. The core sends the
 * samples little-endian, which is every platform a renderer runs on, so the view is taken in place.
 * The samples are the buffer's first rows x columns; a bridge may hand over a longer buffer (its
 * received frame, metadata trailing the pixels) so that nothing is copied.
 */
export function viewStoredPixels(image: PreviewImage): StoredPixels {
  const { rows, columns, bitsAllocated, pixelRepresentation } = image;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1 || rows > MAX_MATRIX || columns > MAX_MATRIX) {
    throw new ImageRefusedError(`matrix ${rows} x ${columns} is outside 1..${MAX_MATRIX}`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new ImageRefusedError(`bits allocated ${String(bitsAllocated)} is not 8 or 16`);
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) {
    throw new ImageRefusedError(`pixel representation ${String(pixelRepresentation)} is not 0 or 1`);
  }
  if (!(image.pixels instanceof ArrayBuffer)) throw new ImageRefusedError('pixel data is not an ArrayBuffer');
  const count = rows * columns;
  const needed = count * (bitsAllocated / 8);
  if (image.pixels.byteLength < needed) {
    throw new ImageRefusedError(`pixel data holds ${image.pixels.byteLength} bytes, ${rows} x ${columns} x ${bitsAllocated} bits needs ${needed}`);
  }
  if (!Number.isFinite(image.rescaleSlope) || image.rescaleSlope === 0 || !Number.isFinite(image.rescaleIntercept)) {
    throw new ImageRefusedError(`rescale slope ${image.rescaleSlope} / intercept ${image.rescaleIntercept} is not usable`);
  }
  if (bitsAllocated === 8) return pixelRepresentation === 1 ? new Int8Array(image.pixels, 0, count) : new Uint8Array(image.pixels, 0, count);
  return pixelRepresentation === 1 ? new Int16Array(image.pixels, 0, count) : new Uint16Array(image.pixels, 0, count);
}

/** Check a pushed image and keep it as a ViewerImage; throws ImageRefusedError with the reason. */
export function toViewerImage(image: PreviewImage, arrival: number): ViewerImage {
  if (!image.seriesUid || !image.sopInstanceUid) throw new ImageRefusedError('image has no series or SOP instance UID');
  const pixels = viewStoredPixels(image);
  const { pixels: _buffer, ...meta } = image;
  return { meta, pixels, arrival };
}

/**
 * Every value the stored-pixel type can hold (PS3.3 C.7.6.3.1.4): a LUT over this domain serves
 * every image of that type, so showing an image needs no scan of its pixels for their range.
 */
function storedDomain(pixels: StoredPixels): { minStored: number; maxStored: number } {
  if (pixels instanceof Uint16Array) return { minStored: 0, maxStored: 0xffff };
  if (pixels instanceof Int16Array) return { minStored: -0x8000, maxStored: 0x7fff };
  if (pixels instanceof Uint8Array) return { minStored: 0, maxStored: 0xff };
  return { minStored: -0x80, maxStored: 0x7f };
}

export interface PixelStats {
  /** Smallest and largest stored value actually present (the LUT is built over this range). */
  minStored: number;
  maxStored: number;
}

const statsCache = new WeakMap<StoredPixels, PixelStats>();

/** Stored-value range of an image, computed once per image on first use. */
export function pixelStats(pixels: StoredPixels): PixelStats {
  const cached = statsCache.get(pixels);
  if (cached) return cached;
  const stats = storedRange(pixels);
  statsCache.set(pixels, stats);
  return stats;
}

/**
 * The stored-value range a LUT for these pixels covers: their actual range when it is already
 * known (the image has no window of its own, or the user dragged one: small tables, rebuilt as
 * the window changes), else every value of their type (one table then serves a whole series
 * that shares its window, and no image is scanned for its range).
 */
export function lutRange(pixels: StoredPixels): { minStored: number; maxStored: number } {
  return statsCache.get(pixels) ?? storedDomain(pixels);
}
