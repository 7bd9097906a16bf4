import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../protocol/errors.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DicomError,
  datasetToElements,
  encapsulateFrames,
  greyImagePixelElements,
  imageInfo,
  pixelDataFrames,
  readPart10,
  Tag,
  TransferSyntax,
  writePart10,
  type DicomElement,
} from '../../native-bridge/dicom/index.js';

const SAMPLES = join(import.meta.dirname, '../../../shared/dicom-samples');
const work = mkdtempSync(join(tmpdir(), 'larmor-part10-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sample = (name: string) => readPart10(readFileSync(join(SAMPLES, name)));

function mrElements(pixels: Uint16Array): DicomElement[] {
  return [
    { tag: Tag.PixelData, vr: 'OW', value: pixels },
    { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.1234567' },
    { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' },
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
    {
      tag: 0x00081140,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00081150, vr: 'UI', value: '1.2.3' },
          { tag: 0x00081155, vr: 'UI', value: '1.2.3.4' },
        ],
      ],
    },
    ...greyImagePixelElements({ rows: 2, columns: 3 }),
  ];
}

describe('Part 10 reader', () => {
  it.each([
    ['MR_small.dcm', TransferSyntax.ExplicitVRLittleEndian],
    ['MR_small_implicit.dcm', TransferSyntax.ImplicitVRLittleEndian],
    ['MR_small_bigendian.dcm', TransferSyntax.ExplicitVRBigEndian],
  ])('reads %s (%s) with the same image attributes and pixel values', (name, syntax) => {
    const file = sample(name);
    expect(file.transferSyntaxUid).toBe(syntax);
    expect(imageInfo(file.dataset)).toEqual({ rows: 64, columns: 64, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, numberOfFrames: 1 });
    expect(file.dataset.string(Tag.SOPClassUID)).toBe('1.2.840.10008.5.1.4.1.1.4');
  });

  it('splits encapsulated multi-frame Pixel Data into one fragment per frame', () => {
    const frames = pixelDataFrames(sample('emri_small_RLE.dcm'));
    expect(frames.encapsulated).toBe(true);
    expect(frames.frames).toHaveLength(10);
  });

  it('ignores the Rows of a nested icon image and reads the top-level ones', () => {
    expect(imageInfo(sample('MR-SIEMENS-DICOM-WithOverlays.dcm').dataset).rows).toBe(484);
  });

  it('rejects a file whose pixel data is cut short with a typed error', () => {
    expect(() => sample('MR_truncated.dcm')).toThrow(expect.objectContaining({ code: ErrorCode.DICOM_TRUNCATED }));
  });

  it('rejects bytes that are not Part 10', () => {
    expect(() => readPart10(new Uint8Array(200))).toThrow(DicomError);
    expect(() => readPart10(new Uint8Array(200))).toThrow(expect.objectContaining({ code: ErrorCode.DICOM_NOT_PART10 }));
  });

  it('never throws anything but a DicomError on truncated copies of a real file', () => {
    const bytes = readFileSync(join(SAMPLES, 'MR-SIEMENS-DICOM-WithOverlays.dcm'));
    for (let length = 0; length < bytes.length; length += 997) {
      try {
        readPart10(bytes.subarray(0, length));
      } catch (error) {
        expect(error).toBeInstanceOf(DicomError);
      }
    }
  });
});

describe('Part 10 writer', () => {
  it('writes an Explicit VR Little Endian MR file that DCMTK validates and reads back', () => {
    const pixels = new Uint16Array([1, 2, 3, 4000, 5, 4095]);
    const path = join(work, 'mr.dcm');
    writeFileSync(path, writePart10({ transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian, elements: mrElements(pixels) }));
    expect(execFileSync('dcmftest', [path], { encoding: 'utf8' })).toMatch(/^yes:/);
    const dump = execFileSync('dcmdump', ['-q', '+L', path], { encoding: 'utf8' });
    expect(dump).toContain('(0002,0002) UI =MRImageStorage');
    expect(dump).toContain('(0002,0003) UI [2.25.1234567]');
    expect(dump).toContain('(0010,0010) PN [Doe^Jane]');
    expect(dump).toContain('(0020,0037) DS [1\\0\\0\\0\\1\\0]');
    expect(dump).toContain('(0008,1155) UI [1.2.3.4]');
    const back = readPart10(readFileSync(path));
    expect(back.transferSyntaxUid).toBe(TransferSyntax.ExplicitVRLittleEndian);
    expect(back.dataset.string(0x00100010)).toBe('Doe^Jane');
    expect(back.dataset.get(0x00081140)?.items?.[0].string(0x00081155)).toBe('1.2.3.4');
    expect(new Uint16Array(new Uint8Array(back.dataset.get(Tag.PixelData)!.bytes).buffer)).toEqual(pixels);
  });

  it('pads odd-length values per VR: text with a space, UI with NUL', () => {
    const bytes = writePart10({
      transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
      elements: [...mrElements(new Uint16Array(6)), { tag: 0x00081030, vr: 'LO', value: 'ABC' }, { tag: 0x0020000d, vr: 'UI', value: '1.2.3' }],
    });
    const dataset = readPart10(bytes).dataset;
    expect([...dataset.get(0x00081030)!.bytes]).toEqual([0x41, 0x42, 0x43, 0x20]);
    expect([...dataset.get(0x0020000d)!.bytes]).toEqual([0x31, 0x2e, 0x32, 0x2e, 0x33, 0x00]);
  });

  it('writes encapsulated RLE Pixel Data with a Basic Offset Table that dcmdrle accepts', () => {
    const source = sample('emri_small_RLE.dcm');
    const frames = pixelDataFrames(source);
    if (!frames.encapsulated) throw new Error('expected encapsulated frames');
    const elements = datasetToElements(source.dataset).filter((e) => e.tag !== Tag.PixelData);
    elements.push({ tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames(frames.frames.map((f) => f[0])) });
    const path = join(work, 'rle.dcm');
    writeFileSync(path, writePart10({ transferSyntaxUid: TransferSyntax.RLELossless, elements }));
    execFileSync('dcmdrle', ['-q', path, join(work, 'rle-raw.dcm')]);
    const back = pixelDataFrames(readPart10(readFileSync(path)));
    expect(back.frames).toHaveLength(10);
  });

  it('refuses a dataset without SOP Class UID, which the meta header needs', () => {
    expect(() => writePart10({ transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian, elements: [] })).toThrow(
      expect.objectContaining({ code: ErrorCode.DICOM_MISSING_ATTRIBUTE }),
    );
  });
});
