/**
 * A received image is checked against the image size limits and its own geometry before its
 * C-STORE is answered: the peer is told of a refusal (PS3.4 B.2.3), never Success for an image
 * the pipeline then drops. Objects made with DCMTK's dcmodify, sent with its storescu.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { modifiedMrSmall, samplePath, storescu } from './support.js';
import { scpUnderTest } from './scp-under-test.js';

const { seen, start } = scpUnderTest();

describe('image checks before the C-STORE response', () => {
  it('refuses with A700H (out of resources) an image whose declared geometry exceeds the limits', async () => {
    const { port } = await start();
    // 65535 frames of 65535 x 65535 16-bit pixels declared, 8 KiB of Pixel Data sent.
    const huge = await modifiedMrSmall('huge.dcm', ['(0028,0010)=65535', '(0028,0011)=65535', '(0028,0008)=65535']);
    expect((await storescu(port, [huge])).responses).toEqual(['Refused: OutOfResources']);
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.IMAGE_TOO_LARGE]);
    expect(seen.images).toBe(0);
  });

  it('refuses with A700H an image over the limits it was configured with', async () => {
    const { port } = await start({ imageLimits: { maxFrameBytes: 4096, maxObjectBytes: 1024 * 1024 } });
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Refused: OutOfResources']); // 8 KiB a frame
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.IMAGE_TOO_LARGE]);
    expect(seen.images).toBe(0);
  });

  it('refuses with C000H (cannot understand) native Pixel Data shorter than its geometry needs', async () => {
    const { port } = await start();
    const twoFrames = await modifiedMrSmall('two-frames.dcm', ['(0028,0008)=2']); // one frame of Pixel Data
    expect((await storescu(port, [twoFrames, samplePath('MR_small.dcm')])).responses).toEqual(['Error: CannotUnderstand', 'Success']);
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_PIXEL_DATA]);
    expect(seen.images).toBe(1);
  });

  it('takes every sample image the receiver handed on before', async () => {
    const { port } = await start();
    const files = ['MR_small.dcm', 'CT_small.dcm', 'MR-SIEMENS-DICOM-WithOverlays.dcm', 'MR2_UNCR.dcm', 'emri_small.dcm', 'MR_small_implicit.dcm'];
    expect((await storescu(port, files.map(samplePath))).responses).toEqual(files.map(() => 'Success'));
    const rle = ['MR_small_RLE.dcm', 'emri_small_RLE.dcm', 'SC_rgb_rle.dcm', 'SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_16bit.dcm'];
    expect((await storescu(port, rle.map(samplePath), ['-R', '-xr'])).responses).toEqual(rle.map(() => 'Success'));
    expect(seen.rejects).toEqual([]);
  });
});
