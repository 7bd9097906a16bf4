import { describe, expect, it } from 'vitest';
import { readPart10 } from '../../../native-bridge/dicom/index.js';
import { createSeriesImager } from '../../../gateway/imaging/index.js';
import { PROTOCOL_LIBRARY } from '../../../gateway/simulator/protocol-library.js';
import { STUDY } from './fixtures.js';
import { librarySequence } from '../../helpers/library-sequence.js';

function normal(o: number[]): number[] {
  return [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
}

function planeOf(part10: Uint8Array) {
  const ds = readPart10(part10).dataset;
  const orientation = ds.strings(0x00200037)!.map(Number);
  const position = ds.strings(0x00200032)!.map(Number);
  const rows = ds.number(0x00280010)!;
  const columns = ds.number(0x00280011)!;
  const bytes = ds.get(0x7fe00010)!.bytes;
  const pixels = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { orientation, position, rows, columns, pixels, location: Number(ds.strings(0x00201041)![0]) };
}

describe('three-plane localizer', () => {
  const imager = createSeriesImager({ study: STUDY, sequence: librarySequence('localizer'), seriesNumber: 1, seriesUid: '2.25.77', seed: 1 });
  const images = Array.from({ length: imager.imagesInSeries }, (_, i) => planeOf(imager.renderSlice(i)));

  it('acquires sagittal, coronal and axial thirds whose normals are x, y and z', () => {
    const normals = images.map((image) => normal(image.orientation).map((v) => Math.round(v) + 0));
    const third = imager.imagesInSeries / 3;
    expect(normals.slice(0, third).every((n) => Math.abs(n[0]) === 1)).toBe(true);
    expect(normals.slice(third, 2 * third).every((n) => Math.abs(n[1]) === 1)).toBe(true);
    expect(normals.slice(2 * third).every((n) => Math.abs(n[2]) === 1)).toBe(true);
  });

  it('gives the three planes orthogonal orientations with the head up on sagittal and coronal images', () => {
    const [sag, cor, ax] = [images[1], images[4], images[7]].map((image) => normal(image.orientation));
    const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    expect(Math.abs(dot(sag, cor)) + Math.abs(dot(cor, ax)) + Math.abs(dot(sag, ax))).toBeLessThan(1e-9);
    // Column direction -z: row 0 is the most superior (PS3.3 C.7.6.2.1.1).
    expect(images[1].orientation.slice(3)).toEqual([0, 0, -1]);
    expect(images[4].orientation.slice(3)).toEqual([0, 0, -1]);
  });

  it('places each plane through its own location: the centre pixel lies on the plane', () => {
    for (const image of images) {
      const n = normal(image.orientation);
      const axis = n.findIndex((v) => Math.abs(v) > 0.5);
      const spacing = [250 / image.rows, 250 / image.columns];
      const centre = [0, 1, 2].map(
        (k) =>
          image.position[k] + image.orientation[k] * ((image.columns - 1) / 2) * spacing[1] + image.orientation[3 + k] * ((image.rows - 1) / 2) * spacing[0],
      );
      expect(centre[axis]).toBeCloseTo(axis === 2 ? image.location : image.location, 3);
    }
  });

  it('shows the head taller than wide on the sagittal image, as the phantom is (200 mm high, 196 mm deep at the centre)', () => {
    const sag = images[1];
    let top = sag.rows;
    let bottom = -1;
    // A row is inside the head when the mean over its middle quarter stands well above the noise.
    for (let r = 0; r < sag.rows; r++) {
      let sum = 0;
      const from = Math.round((sag.columns * 3) / 8);
      const to = Math.round((sag.columns * 5) / 8);
      for (let c = from; c < to; c++) sum += sag.pixels[r * sag.columns + c];
      if (sum / (to - from) > 600) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
      }
    }
    const heightMm = (bottom - top + 1) * (250 / sag.rows);
    expect(heightMm).toBeGreaterThan(150);
    expect(heightMm).toBeLessThan(215);
  });
});

describe('axial series', () => {
  it.each(PROTOCOL_LIBRARY.filter((t) => t.id !== 'localizer').map((t) => t.id))('%s images are axial', (id) => {
    const imager = createSeriesImager({ study: STUDY, sequence: librarySequence(id), seriesNumber: 2, seriesUid: '2.25.78', seed: 1 });
    expect(planeOf(imager.renderSlice(0)).orientation).toEqual([1, 0, 0, 0, 1, 0]);
  });
});
