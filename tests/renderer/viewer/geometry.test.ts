import { describe, expect, it } from 'vitest';
import { directionLabel, orientationMarkers, pixelShape, referenceLine } from '../../../renderer/src/viewer/geometry.js';

const AXIAL = [1, 0, 0, 0, 1, 0] as [number, number, number, number, number, number];
const SAGITTAL = [0, 1, 0, 0, 0, -1] as [number, number, number, number, number, number];
const CORONAL = [1, 0, 0, 0, 0, -1] as [number, number, number, number, number, number];

function image(orientation: typeof AXIAL, position: [number, number, number], over: Partial<{ rows: number; columns: number; frame: string }> = {}) {
  return {
    rows: over.rows ?? 100,
    columns: over.columns ?? 100,
    pixelSpacingMm: [2, 1] as [number, number],
    imageOrientationPatient: orientation,
    imagePositionPatient: position,
    frameOfReferenceUid: over.frame ?? '2.25.1',
  };
}

describe('pixelShape', () => {
  it('draws a pixel with row spacing 1.95 mm and column spacing 0.98 mm twice as high as wide', () => {
    const shape = pixelShape({ rows: 128, columns: 256, pixelSpacingMm: [1.953125, 0.9765625] });
    expect(shape.width).toBe(1);
    expect(shape.height).toBeCloseTo(2, 6);
  });

  it('falls back to Pixel Aspect Ratio (vertical \\ horizontal), then to square', () => {
    expect(pixelShape({ rows: 1, columns: 1, pixelSpacingMm: null, pixelAspectRatio: [4, 3] })).toEqual({ width: 1, height: 4 / 3 });
    expect(pixelShape({ rows: 1, columns: 1, pixelSpacingMm: null })).toEqual({ width: 1, height: 1 });
  });
});

describe('orientationMarkers', () => {
  it('labels an axial image R left, L right, A top, P bottom', () => {
    expect(orientationMarkers({ rows: 1, columns: 1, pixelSpacingMm: null, imageOrientationPatient: AXIAL })).toEqual({
      left: 'R',
      right: 'L',
      top: 'A',
      bottom: 'P',
    });
  });

  it('labels a sagittal image A left, P right, H top, F bottom', () => {
    expect(orientationMarkers({ rows: 1, columns: 1, pixelSpacingMm: null, imageOrientationPatient: SAGITTAL })).toEqual({
      left: 'A',
      right: 'P',
      top: 'H',
      bottom: 'F',
    });
  });

  it('labels a coronal image R left, L right, H top, F bottom', () => {
    expect(orientationMarkers({ rows: 1, columns: 1, pixelSpacingMm: null, imageOrientationPatient: CORONAL })).toEqual({
      left: 'R',
      right: 'L',
      top: 'H',
      bottom: 'F',
    });
  });

  it('gives an oblique direction two letters, the larger component first, and none without orientation', () => {
    expect(directionLabel([0.6, 0, 0.8])).toBe('HL');
    expect(orientationMarkers({ rows: 1, columns: 1, pixelSpacingMm: null })).toBeNull();
  });
});

describe('referenceLine', () => {
  // Sagittal 100 rows (2 mm, z from +100 down) x 100 columns (1 mm, y from -50).
  const sagittal = image(SAGITTAL, [0, -50, 100]);

  it('draws an axial slice at z = 20 mm as a horizontal line across the sagittal image, at row 40', () => {
    const line = referenceLine(sagittal, image(AXIAL, [-50, -50, 20]))!;
    expect(line.y1).toBeCloseTo(40, 6);
    expect(line.y2).toBeCloseTo(40, 6);
    expect(Math.abs(line.x2 - line.x1)).toBeCloseTo(100, 6);
  });

  it('draws a coronal plane at y = 10 mm as a vertical line at column 60', () => {
    const line = referenceLine(sagittal, image(CORONAL, [-50, 10, 100]))!;
    expect(line.x1).toBeCloseTo(60, 6);
    expect(line.x2).toBeCloseTo(60, 6);
  });

  it('draws nothing for a parallel plane, another frame of reference, or a plane outside the image', () => {
    expect(referenceLine(sagittal, image(SAGITTAL, [10, -50, 100]))).toBeNull();
    expect(referenceLine(sagittal, image(AXIAL, [-50, -50, 20], { frame: '2.25.2' }))).toBeNull();
    expect(referenceLine(sagittal, image(AXIAL, [-50, -50, 400]))).toBeNull();
  });
});
