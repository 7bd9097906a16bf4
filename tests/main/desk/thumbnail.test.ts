import { describe, expect, it } from 'vitest';
import type { PreviewImage } from '../../../protocol/index.js';
import { makeThumbnail } from '../../../main/desk/thumbnail.js';
import { viewerGreys } from '../../renderer/viewer/images.js';

function image(rows: number, columns: number, values: (i: number) => number, extra: Partial<PreviewImage> = {}): PreviewImage {
  const pixels = new Uint16Array(rows * columns).map((_, i) => values(i));
  return {
    seriesUid: '1',
    seriesNumber: 1,
    seriesDescription: 'T2',
    sopInstanceUid: '1.2.3',
    instanceNumber: 1,
    imagesInSeries: 1,
    rows,
    columns,
    bitsAllocated: 16,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowCenter: 500,
    windowWidth: 1000,
    pixelSpacingMm: null,
    sliceLocationMm: null,
    sliceThicknessMm: null,
    patientName: '',
    patientId: '',
    studyDescription: '',
    gatewayAt: '',
    pixels: pixels.buffer as ArrayBuffer,
    ...extra,
  };
}

const grey = (t: { pixelsBase64: string }) => [...Buffer.from(t.pixelsBase64, 'base64')];

describe('desk tile thumbnail', () => {
  it('fits a large image into 96 x 96 keeping its aspect', () => {
    const t = makeThumbnail(image(256, 512, () => 0));
    expect([t.width, t.height]).toEqual([96, 48]);
    expect(grey(t)).toHaveLength(96 * 48);
    expect(t.sopInstanceUid).toBe('1.2.3');
  });

  it('applies the image window (PS3.3 C.11.2.1.2.1): below black, above white, the centre mid-grey', () => {
    const t = makeThumbnail(image(1, 3, (i) => [0, 1000, 500][i]!));
    const [low, high, mid] = grey(t);
    expect(low).toBe(0);
    expect(high).toBe(255);
    expect(mid).toBeGreaterThan(120);
    expect(mid).toBeLessThan(136);
  });

  it('inverts MONOCHROME1 and falls back to the value range without a window', () => {
    const t = makeThumbnail(image(1, 2, (i) => [100, 300][i]!, { windowCenter: null, windowWidth: null, photometricInterpretation: 'MONOCHROME1' }));
    expect(grey(t)).toEqual([255, 0]);
  });

  it("is the grey the workstation's viewer shows for the same image in its own window", () => {
    for (const extra of [{}, { windowCenter: null, windowWidth: null }, { rescaleSlope: 2, rescaleIntercept: -100, windowCenter: 333, windowWidth: 77 }]) {
      const preview = image(8, 8, (i) => (i * 37) % 1200, extra);
      expect(grey(makeThumbnail(preview))).toEqual(viewerGreys(preview));
    }
  });
});
