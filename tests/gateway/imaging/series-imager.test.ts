import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPart10, type DataSet } from '../../../native-bridge/dicom/index.js';
import { createSeriesImager, MR_IMAGE_STORAGE, type SeriesImager } from '../../../gateway/imaging/index.js';
import { phantomSlice } from '../../../gateway/imaging/phantom.js';
import { Tissue } from '../../../gateway/imaging/tissues.js';
import { sequence, STUDY } from './fixtures.js';

const run = promisify(execFile);
const SERIES_UID = '2.25.987654321098765432109876543210';
const ACQUIRED_AT = new Date('2026-11-29T10:00:00Z');

function imager(which: Parameters<typeof sequence>[0], over: Parameters<typeof sequence>[1] = {}, seed = 1): SeriesImager {
  return createSeriesImager({ study: STUDY, sequence: sequence(which, over), seriesNumber: 3, seriesUid: SERIES_UID, seed, acquiredAt: ACQUIRED_AT });
}

function pixelsOf(ds: DataSet): Uint16Array {
  const bytes = ds.get(0x7fe00010)!.bytes;
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Mean stored value over the pixels the phantom says are purely `tissue`. */
function tissueMean(im: SeriesImager, index: number, tissue: number): number {
  const ds = readPart10(im.renderSlice(index)).dataset;
  const rows = ds.number(0x00280010)!;
  const columns = ds.number(0x00280011)!;
  const [rowSpacingMm, columnSpacingMm] = ds.strings(0x00280030)!.map(Number);
  const map = phantomSlice({
    rows,
    columns,
    rowSpacingMm,
    columnSpacingMm,
    sliceThicknessMm: ds.number(0x00180050)!,
    zMm: ds.number(0x00201041)!,
  });
  const pixels = pixelsOf(ds);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < pixels.length; i++) {
    if (map.tissueA[i] === tissue && map.fractionB[i] === 0) {
      sum += pixels[i];
      n++;
    }
  }
  expect(n, `pixels of tissue ${tissue}`).toBeGreaterThan(50);
  return sum / n;
}

describe('series imager', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'larmor-imaging-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['t1', 't2', 'flair', 'dwi', 'gre'] as const)('renders %s images that DCMTK parses without errors', async (which) => {
    const im = imager(which);
    const file = join(dir, `${which}.dcm`);
    await writeFile(file, im.renderSlice(im.imagesInSeries - 1));
    const dump = await run('dcmdump', ['+E', file]);
    expect(dump.stderr).toBe('');
    expect(dump.stdout).toContain('MRImageStorage');
    const test = await run('dcmftest', [file]);
    expect(test.stdout.trim()).toBe(`yes: ${file}`);
  });

  it('makes white matter brighter than CSF on T1 and CSF brighter than white matter on T2', () => {
    const t1 = imager('t1');
    const t2 = imager('t2');
    const middle = 10;
    expect(tissueMean(t1, middle, Tissue.whiteMatter)).toBeGreaterThan(1.5 * tissueMean(t1, middle, Tissue.csf));
    expect(tissueMean(t2, middle, Tissue.csf)).toBeGreaterThan(1.5 * tissueMean(t2, middle, Tissue.whiteMatter));
    expect(tissueMean(t2, middle, Tissue.greyMatter)).toBeGreaterThan(tissueMean(t2, middle, Tissue.whiteMatter));
  });

  it('writes the series, instance, geometry, acquisition and display attributes', () => {
    const im = imager('flair', { matrixRows: 192, matrixCols: 256 });
    const ds = readPart10(im.renderSlice(4)).dataset;
    expect(ds.string(0x00080016)).toBe(MR_IMAGE_STORAGE);
    expect(ds.string(0x00080018)).toBe(im.sliceInfo(4).sopInstanceUid);
    expect(ds.string(0x0020000d)).toBe(STUDY.studyUid);
    expect(ds.string(0x0020000e)).toBe(SERIES_UID);
    expect(ds.number(0x00200011)).toBe(3);
    expect(ds.string(0x0008103e)).toBe('flair axial');
    expect(ds.number(0x00200013)).toBe(5);
    expect(ds.string(0x00100010)).toBe(STUDY.patientName);
    expect(ds.number(0x00280010)).toBe(192);
    expect(ds.number(0x00280011)).toBe(256);
    expect(ds.strings(0x00280030)!.map(Number)).toEqual([expect.closeTo(230 / 192, 5), expect.closeTo(230 / 256, 5)]);
    expect(ds.strings(0x00200037)).toEqual(['1', '0', '0', '0', '1', '0']);
    const position = ds.strings(0x00200032)!.map(Number);
    expect(position[2]).toBeCloseTo(ds.number(0x00201041)!, 4);
    expect(position[0]).toBeCloseTo(-(255 / 2) * (230 / 256), 4);
    expect(ds.number(0x00180050)).toBe(5);
    expect(ds.number(0x00180080)).toBe(9000);
    expect(ds.number(0x00180081)).toBe(100);
    expect(ds.number(0x00180082)).toBe(2500);
    expect(ds.number(0x00181314)).toBe(150);
    expect(ds.number(0x00180091)).toBe(15);
    expect(ds.number(0x00281050)).toBeGreaterThan(0);
    expect(ds.number(0x00281051)).toBeGreaterThan(0);
    expect(ds.number(0x00280101)).toBe(12);
    expect(ds.string(0x00204000)).toContain('NOT FOR DIAGNOSTIC USE');
  });

  it('spaces consecutive slices by thickness plus a 10% gap along z', () => {
    const im = imager('t1');
    const z = [0, 1, 19].map((i) => im.sliceInfo(i).sliceLocationMm);
    expect(z[1] - z[0]).toBeCloseTo(5.5, 4);
    expect(z[2] - z[0]).toBeCloseTo(19 * 5.5, 4);
  });

  it('produces identical bytes for the same seed and different noise for another seed', () => {
    const a = imager('t2', {}, 7).renderSlice(3);
    const b = imager('t2', {}, 7).renderSlice(3);
    const c = imager('t2', {}, 8).renderSlice(3);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('renders one block of slices per b-value for diffusion, darker CSF at high b', () => {
    const im = imager('dwi');
    expect(im.imagesInSeries).toBe(40);
    const b0 = readPart10(im.renderSlice(10)).dataset;
    const b1000 = readPart10(im.renderSlice(30)).dataset;
    expect(b0.get(0x00189087)).toBeDefined();
    expect(b1000.get(0x00189087)!.bytes.length).toBe(8);
    expect(new DataView(b1000.get(0x00189087)!.bytes.slice().buffer).getFloat64(0, true)).toBe(1000);
    expect(b0.number(0x00201041)).toBe(b1000.number(0x00201041));
    expect(tissueMean(im, 30, Tissue.csf)).toBeLessThan(0.3 * tissueMean(im, 10, Tissue.csf));
  });

  it('keeps the sequence matrix, up to 512 x 512', () => {
    const ds = readPart10(imager('t2', { matrixRows: 512, matrixCols: 512 }).renderSlice(0)).dataset;
    expect(ds.number(0x00280010)).toBe(512);
    expect(pixelsOf(ds).length).toBe(512 * 512);
  });

  it('refuses an index outside the series and a nonsensical matrix, with stable codes', () => {
    const im = imager('t1');
    expect(() => im.renderSlice(20)).toThrow(expect.objectContaining({ code: 'LARMOR_E_IMAGE_SLICE_OUT_OF_RANGE' }));
    expect(() => im.renderSlice(-1)).toThrow(expect.objectContaining({ code: 'LARMOR_E_IMAGE_SLICE_OUT_OF_RANGE' }));
    expect(() => imager('t1', { matrixRows: 0 })).toThrow(expect.objectContaining({ code: 'LARMOR_E_IMAGE_INVALID_SEQUENCE' }));
  });
});
