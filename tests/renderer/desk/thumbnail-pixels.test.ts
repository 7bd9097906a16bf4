import { describe, expect, it } from 'vitest';
import { fitInBox, thumbnailRgba } from '../../../renderer/src/desk/thumbnail-pixels.js';

const base64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('desk thumbnail pixels', () => {
  it('turns 8-bit grey into opaque RGBA, pixel for pixel', () => {
    const rgba = thumbnailRgba({ width: 2, height: 1, pixelsBase64: base64([0, 200]), sopInstanceUid: '1.2' });
    expect(Array.from(rgba!)).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
  });

  it('draws nothing when the pixel count does not match the size', () => {
    expect(thumbnailRgba({ width: 3, height: 3, pixelsBase64: base64([1, 2, 3]), sopInstanceUid: '1.2' })).toBeNull();
    expect(thumbnailRgba({ width: 200, height: 1, pixelsBase64: base64(new Array(200).fill(0)), sopInstanceUid: '1.2' })).toBeNull();
  });

  it('fits a wide image into the box without changing its aspect', () => {
    expect(fitInBox(96, 64, 64)).toEqual({ width: 64, height: 43 });
    expect(fitInBox(48, 96, 64)).toEqual({ width: 32, height: 64 });
  });
});
