import { describe, expect, it } from 'vitest';
import { UnshownImage, readOnsiteImage } from '../../../gateway/onsite-ui/src/part10-preview.js';
import { sample } from '../../helpers/dicom-samples.js';

describe('the onsite console’s live image reader', () => {
  it('reads the same pixels from explicit and implicit VR little endian', () => {
    const explicit = readOnsiteImage(sample('MR_small.dcm'));
    const implicit = readOnsiteImage(sample('MR_small_implicit.dcm'));
    expect([explicit.rows, explicit.columns]).toEqual([64, 64]);
    expect(explicit.sopInstanceUid).toBe(implicit.sopInstanceUid);
    expect(Array.from(explicit.pixels)).toEqual(Array.from(implicit.pixels));
  });

  it('says why a compressed image is not shown here instead of guessing', () => {
    expect(() => readOnsiteImage(sample('MR_small_RLE.dcm'))).toThrow(UnshownImage);
    expect(() => readOnsiteImage(sample('MR_small_RLE.dcm'))).toThrow(/remote workstation only/);
  });
});
