import { Tag, TransferSyntax, writePart10, type DicomElement } from '../../native-bridge/dicom/index.js';

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
      { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
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
