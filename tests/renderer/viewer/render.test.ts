import { describe, expect, it } from 'vitest';
import { renderGrey, renderThumbnail } from '../../../renderer/src/viewer/render.js';
import { buildVoiLut } from '../../../base/common/voi-window.js';

/** Grey and alpha bytes of every pixel, so a failure names the pixel that differs. */
function pixelsOf(rgba: Uint8ClampedArray): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < rgba.length; i += 4) {
    expect(rgba[i + 1], `pixel ${i / 4} G`).toBe(rgba[i]);
    expect(rgba[i + 2], `pixel ${i / 4} B`).toBe(rgba[i]);
    out.push([rgba[i], rgba[i + 3]]);
  }
  return out;
}

describe('renderGrey', () => {
  it('writes one opaque grey RGBA pixel per stored value through the LUT (signed CT-like values)', () => {
    const pixels = new Int16Array([-1024, -160, 40, 240, 3071, -159]);
    const lut = buildVoiLut({ minStored: -1024, maxStored: 3071, rescaleSlope: 1, rescaleIntercept: 0, window: { center: 40, width: 400 }, inverted: false });
    const rgba = new Uint8ClampedArray(pixels.length * 4);
    renderGrey(pixels, lut, -1024, rgba);
    expect(pixelsOf(rgba)).toEqual([
      [0, 255],
      [0, 255],
      [128, 255],
      [255, 255],
      [255, 255],
      [1, 255],
    ]);
  });
  it('refuses an output buffer too small for the image', () => {
    expect(() => renderGrey(new Uint16Array(4), new Uint8Array(1), 0, new Uint8ClampedArray(8))).toThrow(RangeError);
  });
});

describe('renderThumbnail', () => {
  it('keeps the aspect ratio and samples the middle of each footprint', () => {
    // 2 rows x 4 columns, values 0..7; a 2-pixel-wide thumbnail samples columns 1 and 3.
    const pixels = new Uint16Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const lut = Uint8Array.from({ length: 8 }, (_, i) => i * 10);
    const thumb = renderThumbnail(pixels, 2, 4, lut, 0, 2);
    expect([thumb.width, thumb.height]).toEqual([2, 1]);
    expect(pixelsOf(thumb.rgba)).toEqual([
      [50, 255],
      [70, 255],
    ]);
  });
  it('does not enlarge an image smaller than the thumbnail', () => {
    const thumb = renderThumbnail(new Uint8Array(6), 2, 3, new Uint8Array(1), 0, 64);
    expect([thumb.width, thumb.height]).toEqual([3, 2]);
  });
});
