import type { DeskThumbnail } from '../../../protocol/desk.js';

/** The largest side a desk thumbnail may have (protocol/desk.ts DeskThumbnail). */
const MAX_SIDE = 96;

/**
 * The thumbnail's 8-bit grey pixels as RGBA for a canvas, or null when the size and the pixel
 * count disagree (a bad thumbnail is not drawn, rather than drawn sheared).
 */
export function thumbnailRgba(thumbnail: DeskThumbnail): Uint8ClampedArray<ArrayBuffer> | null {
  const { width, height } = thumbnail;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) return null;
  let grey: string;
  try {
    grey = atob(thumbnail.pixelsBase64);
  } catch {
    return null;
  }
  if (grey.length !== width * height) return null;
  const rgba = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  for (let i = 0; i < grey.length; i++) {
    const v = grey.charCodeAt(i);
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** CSS size that fits width x height into a square box without changing its aspect. */
export function fitInBox(width: number, height: number, box: number): { width: number; height: number } {
  const scale = box / Math.max(width, height, 1);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
