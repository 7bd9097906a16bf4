import { describe, expect, it } from 'vitest';
import { UnshownImage, decodeRle, readOnsiteImage } from '../../../gateway/onsite-ui/src/part10-preview.js';
import { sample } from '../../helpers/dicom-samples.js';

describe('the onsite console’s live image reader', () => {
  it('reads the same pixels from explicit and implicit VR little endian', () => {
    const explicit = readOnsiteImage(sample('MR_small.dcm'));
    const implicit = readOnsiteImage(sample('MR_small_implicit.dcm'));
    expect([explicit.rows, explicit.columns]).toEqual([64, 64]);
    expect(explicit.sopInstanceUid).toBe(implicit.sopInstanceUid);
    expect(Array.from(explicit.pixels)).toEqual(Array.from(implicit.pixels));
  });

  it('says why a big endian image is not shown here instead of guessing', () => {
    expect(() => readOnsiteImage(sample('MR_small_bigendian.dcm'))).toThrow(UnshownImage);
    expect(() => readOnsiteImage(sample('MR_small_bigendian.dcm'))).toThrow(/remote workstation only/);
  });
});

describe('the onsite console’s RLE reader', () => {
  it('reads the same pixels from RLE Lossless as from the uncompressed file', () => {
    const rle = readOnsiteImage(sample('MR_small_RLE.dcm'));
    const plain = readOnsiteImage(sample('MR_small.dcm'));
    expect(Array.from(rle.pixels)).toEqual(Array.from(plain.pixels));
  });

  it('refuses segment offsets outside the fragment before writing a byte', () => {
    const header = new Uint8Array(64);
    const view = new DataView(header.buffer);
    view.setUint32(0, 2, true);
    view.setUint32(4, 64, true);
    view.setUint32(8, 9999, true);
    expect(() => decodeRle(header, 4, 2)).toThrow(/outside the fragment/);
  });
});
