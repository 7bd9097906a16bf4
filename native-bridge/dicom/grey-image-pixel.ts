import type { DicomElement } from './writer.js';
import { Tag } from './image.js';

/** A one-sample (greyscale) image's Image Pixel module as a writer would set it. */
export interface GreyImagePixel {
  rows: number;
  columns: number;
  /** 12 for MR's usual 12 significant bits in 16-bit words (the default), 16 for the full range. */
  bitsStored?: 8 | 12 | 16;
  /** Number of Frames (0028,0008) for a multi-frame object; left out for a single frame. */
  frames?: number;
}

/**
 * The Image Pixel module (PS3.3 C.7.6.3) of an unsigned MONOCHROME2 image, without Pixel Data:
 * the attributes every writer of a grey image needs, in one place. Bits Allocated follows Bits
 * Stored (8 in 8, otherwise 16) and High Bit is Bits Stored - 1 (C.7.6.3.1.1: little endian,
 * values in the low bits).
 */
export function greyImagePixelElements({ rows, columns, bitsStored = 12, frames }: GreyImagePixel): DicomElement[] {
  return [
    { tag: Tag.SamplesPerPixel, vr: 'US', value: 1 },
    { tag: Tag.PhotometricInterpretation, vr: 'CS', value: 'MONOCHROME2' },
    ...(frames === undefined ? [] : [{ tag: Tag.NumberOfFrames, vr: 'IS', value: frames } satisfies DicomElement]),
    { tag: Tag.Rows, vr: 'US', value: rows },
    { tag: Tag.Columns, vr: 'US', value: columns },
    { tag: Tag.BitsAllocated, vr: 'US', value: bitsStored === 8 ? 8 : 16 },
    { tag: Tag.BitsStored, vr: 'US', value: bitsStored },
    { tag: Tag.HighBit, vr: 'US', value: bitsStored - 1 },
    { tag: Tag.PixelRepresentation, vr: 'US', value: 0 },
  ];
}
