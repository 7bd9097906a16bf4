import { describe, expect, it } from 'vitest';
import { ErrorCode, encodeImageFrame, type ImageFrameHeader } from '../../../protocol/index.js';
import { greyImagePixelElements, Tag, TransferSyntax, encapsulateFrames, writePart10, type DicomElement } from '../../../native-bridge/dicom/index.js';
import { intakeImageFrame } from '../../../main/images/image-intake.js';
import { sample } from '../../helpers/dicom-samples.js';

const header = (seq: number): ImageFrameHeader => ({
  seq,
  at: '2026-12-02T05:00:00.000Z',
  source: 'c-store',
  transferSyntaxUid: TransferSyntax.RLELossless,
  sopInstanceUid: '2.25.7',
  seriesUid: '2.25.8',
  imagesInSeries: null,
});

function declaredRle(rows: number, columns: number, fragmentBytes: number): Uint8Array {
  const elements: DicomElement[] = [
    { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.7' },
    { tag: 0x0020000e, vr: 'UI', value: '2.25.8' },
    ...greyImagePixelElements({ rows, columns, bitsStored: 16 }),
    { tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames([new Uint8Array(fragmentBytes)]) },
  ];
  return writePart10({ transferSyntaxUid: TransferSyntax.RLELossless, elements });
}

describe('image intake (pure: frame -> seq and images, or a coded refusal)', () => {
  it('turns a frame into its number and one preview image per frame', () => {
    const result = intakeImageFrame(encodeImageFrame(header(5), sample('MR_small_RLE.dcm')));
    expect(result).toMatchObject({ ok: true, seq: 5 });
    if (result.ok) expect(result.images).toHaveLength(1);
    expect(result.ok && result.images[0]!.rows).toBe(64);
  });

  it('hands on exactly the pixels of a frame held in a Buffer within larger memory, as a WebSocket message is', () => {
    const frame = encodeImageFrame({ ...header(9), transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian }, sample('MR_small.dcm'));
    const memory = Buffer.alloc(frame.length + 64);
    memory.set(frame, 64);
    const held = intakeImageFrame(memory.subarray(64));
    const own = intakeImageFrame(frame);
    if (!held.ok || !own.ok) throw new Error('both decode');
    expect(held.images[0]!.pixels.byteLength).toBe(64 * 64 * 2);
    expect(new Uint8Array(held.images[0]!.pixels)).toEqual(new Uint8Array(own.images[0]!.pixels));
  });

  it('gives every frame of a multi-frame object as its own image', () => {
    const result = intakeImageFrame(encodeImageFrame(header(6), sample('emri_small_RLE.dcm')));
    expect(result.ok && result.images.length).toBe(10);
  });

  it('refuses a frame whose header is unreadable with a code and no number', () => {
    expect(intakeImageFrame(new Uint8Array([1, 2]))).toMatchObject({ ok: false, seq: null, code: ErrorCode.INVALID_MESSAGE });
  });

  it('refuses an object without Pixel Data with the one "not an image" code', () => {
    const noPixels = writePart10({
      transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
      elements: [
        { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.88.11' },
        { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.9' },
      ],
    });
    expect(intakeImageFrame(encodeImageFrame(header(7), noPixels))).toMatchObject({ ok: false, seq: 7, code: ErrorCode.DICOM_NOT_AN_IMAGE });
  });

  it('refuses a 16 MB RLE image declaring 32000 x 32000 pixels before allocating its pixels', () => {
    const frame = encodeImageFrame(header(8), declaredRle(32000, 32000, 16 * 1024 * 1024));
    const before = process.memoryUsage().arrayBuffers;
    const result = intakeImageFrame(frame);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(result).toMatchObject({ ok: false, seq: 8, code: ErrorCode.IMAGE_TOO_LARGE });
    // Decoding would have needed 2 GB; nothing near even one decoded frame was allocated.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it('applies the configured caps', () => {
    const frame = encodeImageFrame(header(9), sample('MR_small_RLE.dcm'));
    expect(intakeImageFrame(frame, { limits: { maxFrameBytes: 1024, maxObjectBytes: 1024 } })).toMatchObject({ ok: false, code: ErrorCode.IMAGE_TOO_LARGE });
  });
});
