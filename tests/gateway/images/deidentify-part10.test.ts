import { describe, expect, it } from 'vitest';
import { pixelDataFrames, readPart10 } from '../../../native-bridge/dicom/index.js';
import { deidentifyPart10 } from '../../../gateway/images/deidentify-part10.js';
import { sample } from '../../helpers/dicom-samples.js';

const contains = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));

describe('deidentifyPart10', () => {
  describe.each(['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_RLE.dcm', 'MR2_UNCR.dcm'])('%s', (name) => {
    it('blanks patient name, ID, birth date, accession number and study ID', () => {
      const input = sample(name);
      const original = readPart10(input).dataset;
      expect(contains(input, original.string(0x00100010)!)).toBe(true);
      const out = deidentifyPart10(input)!;
      const dataset = readPart10(out).dataset;
      for (const tag of [0x00100010, 0x00100020, 0x00100030, 0x00080050, 0x00200010]) expect(dataset.string(tag) ?? '', tag.toString(16)).toBe('');
      expect(contains(out, original.string(0x00100010)!)).toBe(false);
      expect(contains(out, original.string(0x00100020)!)).toBe(false);
    });

    it("leaves the caller's bytes as they were, a Buffer's too", () => {
      const input = Buffer.from(sample(name));
      const name0 = readPart10(input).dataset.string(0x00100010)!;
      deidentifyPart10(input);
      expect(contains(input, name0)).toBe(true);
    });

    it('keeps every other byte: same length, same pixel data, same study', () => {
      const input = sample(name);
      const out = deidentifyPart10(input)!;
      expect(out.length).toBe(input.length);
      const before = readPart10(input);
      const after = readPart10(out);
      expect(after.transferSyntaxUid).toBe(before.transferSyntaxUid);
      expect(after.dataset.string(0x0020000d)).toBe(before.dataset.string(0x0020000d)); // Study Instance UID
      expect(after.dataset.string(0x0020000d)).toMatch(/^[\d.]+$/);
      expect(JSON.stringify(pixelDataFrames(after))).toBe(JSON.stringify(pixelDataFrames(before)));
    });
  });

  it('leaves the input untouched (observers get a copy, everyone else the original)', () => {
    const input = sample('MR_small.dcm');
    const copy = input.slice();
    deidentifyPart10(input);
    expect(Buffer.from(input).equals(Buffer.from(copy))).toBe(true);
  });

  it('returns null for a file it cannot read, so the image is withheld rather than sent as is', () => {
    expect(deidentifyPart10(sample('MR_truncated.dcm'))).toBeNull();
    expect(deidentifyPart10(new Uint8Array(64))).toBeNull();
  });
});
