import { describe, expect, it } from 'vitest';
import { ImageRefusedError, pixelStats, toViewerImage, viewStoredPixels } from '../../../renderer/src/viewer/pixels.js';
import { rescaledRange } from '../../../base/common/voi-window.js';
import { preview, samples } from './images.js';

describe('viewStoredPixels', () => {
  it('reads 16-bit unsigned samples little-endian, without copying the buffer', () => {
    const image = preview({ pixels: samples([0, 1, 4095, 65535], 16, false) });
    const pixels = viewStoredPixels(image);
    expect(pixels).toBeInstanceOf(Uint16Array);
    expect([...pixels]).toEqual([0, 1, 4095, 65535]);
    expect(pixels.buffer).toBe(image.pixels);
  });
  it("reads two's complement samples as negative values when pixel representation is 1", () => {
    const pixels = viewStoredPixels(preview({ pixelRepresentation: 1, pixels: samples([-1024, -1, 0, 3071], 16, true) }));
    expect(pixels).toBeInstanceOf(Int16Array);
    expect([...pixels]).toEqual([-1024, -1, 0, 3071]);
  });
  it('reads 8-bit samples, signed or not', () => {
    expect([...viewStoredPixels(preview({ bitsAllocated: 8, pixels: samples([0, 9, 128, 255], 8, false) }))]).toEqual([0, 9, 128, 255]);
    expect([...viewStoredPixels(preview({ bitsAllocated: 8, pixelRepresentation: 1, pixels: samples([-128, -1, 0, 127], 8, true) }))]).toEqual([
      -128, -1, 0, 127,
    ]);
  });
  it('ignores padding after Rows x Columns samples', () => {
    expect(viewStoredPixels(preview({ pixels: samples([1, 2, 3, 4, 0], 16, false) }))).toHaveLength(4);
  });
  it('refuses pixel data shorter than Rows x Columns, with a stable code', () => {
    const short = preview({ rows: 512, columns: 512 });
    expect(() => viewStoredPixels(short)).toThrow(ImageRefusedError);
    expect(() => viewStoredPixels(short)).toThrow(/needs 524288/);
    try {
      viewStoredPixels(short);
    } catch (error) {
      expect((error as ImageRefusedError).code).toBe('LARMOR_E_IMAGE_UNSUPPORTED');
    }
  });
  it('refuses a matrix outside 1..4096, a zero slope and unknown bit depths', () => {
    expect(() => viewStoredPixels(preview({ rows: 0 }))).toThrow(/matrix/);
    expect(() => viewStoredPixels(preview({ rows: 5000, columns: 5000 }))).toThrow(/matrix/);
    expect(() => viewStoredPixels(preview({ rescaleSlope: 0 }))).toThrow(/slope/);
    expect(() => viewStoredPixels(preview({ bitsAllocated: 12 as 16 }))).toThrow(/bits allocated/);
  });
  it('refuses an image without a series UID', () => {
    expect(() => toViewerImage(preview({ seriesUid: '' }), 1)).toThrow(/series/);
  });
});

describe('pixelStats', () => {
  it('finds the smallest and largest stored value present', () => {
    expect(pixelStats(new Int16Array([5, -300, 20, 7]))).toEqual({ minStored: -300, maxStored: 20 });
  });
  it('gives the rescaled range, swapped for a negative slope', () => {
    const stats = { minStored: 0, maxStored: 100 };
    expect(rescaledRange(stats, 2, -50)).toEqual({ min: -50, max: 150 });
    expect(rescaledRange(stats, -1, 0)).toEqual({ min: -100, max: 0 });
  });
});
