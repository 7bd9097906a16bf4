import { greyImagePixelElements, Tag, TransferSyntax, writePart10, type DicomElement } from '../../native-bridge/dicom/index.js';
import { makePhantomFrames } from '../rle/mr-phantom.js';

const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const ENHANCED_MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4.1';
const SERIES_INSTANCE_UID = 0x0020000e;

/**
 * A greyscale MR image as the benches push it (MR Image Storage, 16 bits allocated, 12 stored,
 * unsigned, Explicit VR Little Endian) in Part 10 bytes: the image attributes every bench shares,
 * plus the caller's own (SOP Instance UID, series, patient...). `pixels` is rows x columns
 * 16-bit values, little-endian.
 */
export function mrPart10(rows: number, columns: number, pixels: Uint8Array, identity: readonly DicomElement[]): Uint8Array {
  return writePart10({
    transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
    elements: [
      { tag: Tag.SOPClassUID, vr: 'UI', value: MR_IMAGE_STORAGE },
      ...identity,
      { tag: Tag.SamplesPerPixel, vr: 'US', value: 1 },
      { tag: Tag.PhotometricInterpretation, vr: 'CS', value: 'MONOCHROME2' },
      { tag: Tag.Rows, vr: 'US', value: rows },
      { tag: Tag.Columns, vr: 'US', value: columns },
      { tag: Tag.BitsAllocated, vr: 'US', value: 16 },
      { tag: Tag.BitsStored, vr: 'US', value: 12 },
      { tag: Tag.HighBit, vr: 'US', value: 11 },
      { tag: Tag.PixelRepresentation, vr: 'US', value: 0 },
      { tag: Tag.PixelData, vr: 'OW', value: pixels },
    ],
  });
}

/**
 * An MR object of `frames` phantom slices (bench/rle/mr-phantom.ts), Enhanced MR Image Storage
 * when it has more than one; its series is `<uid>.1`. `pixels` defaults to the phantom's.
 */
export function phantomMrPart10(
  uid: string,
  size: { rows: number; columns: number; frames: number },
  pixels: Uint8Array = makePhantomFrames(size),
): Uint8Array {
  return writePart10({
    transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
    elements: [
      { tag: Tag.SOPClassUID, vr: 'UI', value: size.frames > 1 ? ENHANCED_MR_IMAGE_STORAGE : MR_IMAGE_STORAGE },
      { tag: Tag.SOPInstanceUID, vr: 'UI', value: uid },
      { tag: SERIES_INSTANCE_UID, vr: 'UI', value: `${uid}.1` },
      ...greyImagePixelElements(size),
      { tag: Tag.PixelData, vr: 'OW', value: pixels },
    ],
  });
}
