import type { StoredPixels } from './pixels.js';

/** ImageData is RGBA bytes; a 32-bit word per pixel writes all four at once, in host byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

/** Grey levels as opaque RGBA words, ready to store into a Uint32Array view of ImageData. */
function toRgbaWords(greyLut: Uint8Array): Uint32Array {
  const words = new Uint32Array(greyLut.length);
  for (let i = 0; i < greyLut.length; i++) {
    const g = greyLut[i];
    words[i] = LITTLE_ENDIAN ? (0xff000000 | (g << 16) | (g << 8) | g) >>> 0 : ((g << 24) | (g << 16) | (g << 8) | 0xff) >>> 0;
  }
  return words;
}

const wordsCache = new WeakMap<Uint8Array, Uint32Array>();

/** toRgbaWords, once per LUT (a cached LUT is shared by every image of a series; 65536 entries for 16 bits). */
function rgbaWordsOf(greyLut: Uint8Array): Uint32Array {
  let words = wordsCache.get(greyLut);
  if (!words) {
    words = toRgbaWords(greyLut);
    wordsCache.set(greyLut, words);
  }
  return words;
}

/**
 * Render stored values through the LUT into RGBA bytes (an ImageData's data), one output pixel
 * per image pixel. Every stored value must lie in minStored..minStored + lut.length - 1. The LUT
 * is read as-is: one that is changed in place after a render is not seen again.
 */
export function renderGrey(pixels: StoredPixels, greyLut: Uint8Array, minStored: number, rgba: Uint8ClampedArray): void {
  const count = pixels.length;
  if (rgba.length < count * 4) throw new RangeError(`RGBA buffer of ${rgba.length} bytes is too small for ${count} pixels`);
  const words = rgbaWordsOf(greyLut);
  const out = new Uint32Array(rgba.buffer, rgba.byteOffset, count);
  for (let i = 0; i < count; i++) out[i] = words[pixels[i] - minStored];
}

/**
 * A thumbnail of at most size x size pixels, nearest-neighbour sampled and aspect kept (the
 * image's physical aspect when `pixel` gives the shape of a pixel, see geometry.ts), so a
 * series strip costs a few thousand LUT look-ups per image instead of a full render.
 */
export function renderThumbnail(
  pixels: StoredPixels,
  rows: number,
  columns: number,
  greyLut: Uint8Array,
  minStored: number,
  size: number,
  pixel: { width: number; height: number } = { width: 1, height: 1 },
): { width: number; height: number; rgba: Uint8ClampedArray } {
  const scale = Math.min(1, size / Math.max(rows * pixel.height, columns * pixel.width));
  const width = Math.max(1, Math.min(size, Math.round(columns * pixel.width * scale)));
  const height = Math.max(1, Math.min(size, Math.round(rows * pixel.height * scale)));
  const rgba = new Uint8ClampedArray(width * height * 4);
  const words = rgbaWordsOf(greyLut);
  const out = new Uint32Array(rgba.buffer);
  for (let y = 0; y < height; y++) {
    // Sample the centre of each thumbnail pixel's footprint in the image.
    const sourceRow = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / height));
    for (let x = 0; x < width; x++) {
      const sourceColumn = Math.min(columns - 1, Math.floor(((x + 0.5) * columns) / width));
      out[y * width + x] = words[pixels[sourceRow * columns + sourceColumn] - minStored];
    }
  }
  return { width, height, rgba };
}
