import type { SeriesThumbnail } from '../../../protocol/exam-images.js';

/**
 * The gateway's thumbnail of a series (protocol/exam-images.ts: 8-bit, already windowed) as RGBA
 * for a canvas: the strip shows it until the series' own images are here. Null when its bytes do
 * not match its size (then no picture rather than a wrong one).
 */
export function catalogueThumbnailRgba(thumbnail: SeriesThumbnail): { width: number; height: number; rgba: Uint8ClampedArray } | null {
  let grey: string;
  try {
    grey = atob(thumbnail.pixels);
  } catch {
    return null;
  }
  const count = thumbnail.rows * thumbnail.columns;
  if (grey.length !== count) return null;
  const rgba = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    const v = grey.charCodeAt(i);
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  return { width: thumbnail.columns, height: thumbnail.rows, rgba };
}
