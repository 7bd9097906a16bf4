import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { UnshownImage, readOnsiteImage } from '../../onsite/src/part10-preview.js';
import { sample } from '../helpers/dicom-samples.js';

describe('the onsite console’s live image reader (the shared decoder, in the page)', () => {
  it('reads the same pixels from explicit and implicit VR little endian, big endian and RLE Lossless', () => {
    const explicit = readOnsiteImage(sample('MR_small.dcm'));
    expect([explicit.rows, explicit.columns]).toEqual([64, 64]);
    for (const other of ['MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_RLE.dcm']) {
      const image = readOnsiteImage(sample(other));
      expect(image.sopInstanceUid).toBe(explicit.sopInstanceUid);
      expect(Array.from(image.pixels)).toEqual(Array.from(explicit.pixels));
    }
  });

  it('says why it cannot show something, with the decoder’s code, instead of guessing', () => {
    const notDicom = new Uint8Array(200);
    expect(() => readOnsiteImage(notDicom)).toThrow(UnshownImage);
    try {
      readOnsiteImage(notDicom);
    } catch (err) {
      expect((err as UnshownImage).code).toMatch(/^LARMOR_E_DICOM_/);
      expect((err as UnshownImage).code).not.toBe(ErrorCode.INTERNAL);
    }
  });
});
