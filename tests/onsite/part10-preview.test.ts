import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { encodeImageFrame } from '../../protocol/index.js';
import { UnshownImage, readImageArrival, readOnsiteImage } from '../../onsite/src/part10-preview.js';
import { createImageCodecs } from '../../native-bridge/image-codecs.js';
import { toPreviewImages } from '../../native-bridge/preview-image.js';
import { viewerGreys } from '../renderer/viewer/images.js';
import { encapsulateFrames, greyImagePixelElements, Tag, TransferSyntax, writePart10 } from '../../native-bridge/dicom/index.js';
import { typescriptRle } from '../../native-bridge/rle/typescript-codec.js';
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

  it('decodes only the first frame of a multi-frame object, the one it shows', () => {
    // Two RLE frames, the second damaged: reading the object must not touch it.
    const info = { rows: 16, columns: 16, samplesPerPixel: 1, bitsAllocated: 16 };
    const first = new Uint8Array(16 * 16 * 2).map((_, i) => i & 0xff);
    const encoded = typescriptRle.encode(first, info);
    const damaged = encoded.slice();
    damaged.fill(0xff, 64); // segment data past its header: runs past the end of the frame
    const part10 = writePart10({
      transferSyntaxUid: TransferSyntax.RLELossless,
      elements: [
        { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4.1' },
        { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.4242' },
        ...greyImagePixelElements({ rows: 16, columns: 16, frames: 2 }),
        { tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames([encoded, damaged]) },
      ],
    });
    const image = readOnsiteImage(part10);
    expect(image.sopInstanceUid).toBe('2.25.4242#1');
    expect(image.instanceNumber).toBe(1);
    expect(Array.from(new Uint8Array(image.pixels.buffer))).toEqual(Array.from(first));
  });

  it("paints the grey the workstation's viewer shows for the same image in its own window", () => {
    const part10 = sample('MR_small.dcm');
    const arrival = readImageArrival(
      encodeImageFrame({ seq: 1, at: '', source: 'c-store', transferSyntaxUid: '', sopInstanceUid: '', seriesUid: '', imagesInSeries: null }, part10),
    );
    if (!arrival?.ok) throw new Error(`not shown: ${JSON.stringify(arrival)}`);
    const [previewed] = toPreviewImages({ part10, gatewayAt: '', imagesInSeries: null }, createImageCodecs(typescriptRle));
    expect(Array.from(arrival.image.rgba.filter((_, i) => i % 4 === 0))).toEqual(viewerGreys(previewed!));
  });
});
