/**
 * Image Pixel Module attributes (PS3.3 C.7.6.3) and splitting Pixel Data into frames, for native
 * (PS3.5 A.1-A.3, 8.1.1) and encapsulated (PS3.5 A.4) transfer syntaxes.
 */
import type { DataSet } from './dataset.js';
import { ErrorCode } from '../../protocol/errors.js';
import { DicomError } from './errors.js';
import type { DicomFile } from './reader.js';
import { isNativeTransferSyntax } from './uids.js';

export const Tag = {
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  SamplesPerPixel: 0x00280002,
  PhotometricInterpretation: 0x00280004,
  PlanarConfiguration: 0x00280006,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  BitsAllocated: 0x00280100,
  BitsStored: 0x00280101,
  HighBit: 0x00280102,
  PixelRepresentation: 0x00280103,
  ExtendedOffsetTable: 0x7fe00001,
  PixelData: 0x7fe00010,
} as const;

export interface ImageInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  /** 0 = colour-by-pixel (interleaved), 1 = colour-by-plane (PS3.3 C.7.6.3.1.3). */
  planarConfiguration: number;
  numberOfFrames: number;
}

function required(dataset: DataSet, tag: number, name: string): number {
  const value = dataset.number(tag);
  if (value === undefined || !Number.isInteger(value) || value <= 0) {
    throw new DicomError(ErrorCode.DICOM_MISSING_ATTRIBUTE, `${name} is missing or invalid`);
  }
  return value;
}

/** Image attributes from the top-level dataset (nested icon images are ignored). */
export function imageInfo(dataset: DataSet): ImageInfo {
  const numberOfFrames = dataset.has(Tag.NumberOfFrames) ? (dataset.number(Tag.NumberOfFrames) ?? 1) : 1;
  if (!Number.isInteger(numberOfFrames) || numberOfFrames < 1) {
    throw new DicomError(ErrorCode.DICOM_MISSING_ATTRIBUTE, `Number of Frames "${numberOfFrames}" is invalid`);
  }
  return {
    rows: required(dataset, Tag.Rows, 'Rows (0028,0010)'),
    columns: required(dataset, Tag.Columns, 'Columns (0028,0011)'),
    samplesPerPixel: required(dataset, Tag.SamplesPerPixel, 'Samples per Pixel (0028,0002)'),
    bitsAllocated: required(dataset, Tag.BitsAllocated, 'Bits Allocated (0028,0100)'),
    planarConfiguration: dataset.number(Tag.PlanarConfiguration) ?? 0,
    numberOfFrames,
  };
}

/** Bytes of one uncompressed frame; 1-bit data is packed (PS3.5 8.1.1). */
export function nativeFrameLength(info: ImageInfo): number {
  const bits = info.rows * info.columns * info.samplesPerPixel * info.bitsAllocated;
  return Math.ceil(bits / 8);
}

export type PixelFrames =
  | { encapsulated: false; frames: Uint8Array[] }
  /** Each frame is a list of fragments; RLE segment offsets are relative to the first one's start. */
  | { encapsulated: true; frames: Uint8Array[][] };

/**
 * Split Pixel Data into frames. Encapsulated frames are located by the Extended Offset Table,
 * else the Basic Offset Table, else one fragment per frame, else (single frame) all fragments
 * (PS3.5 A.4).
 */
export function pixelDataFrames(file: DicomFile): PixelFrames {
  const { dataset } = file;
  const info = imageInfo(dataset);
  const pixelData = dataset.get(Tag.PixelData);
  if (pixelData === undefined) {
    throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, 'the dataset has no Pixel Data (7FE0,0010)');
  }
  if (pixelData.encapsulated === undefined) {
    if (!isNativeTransferSyntax(file.transferSyntaxUid)) {
      throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, `Pixel Data is not encapsulated although ${file.transferSyntaxUid} requires it`);
    }
    const frameLength = nativeFrameLength(info);
    if (info.bitsAllocated === 1 && (info.rows * info.columns * info.samplesPerPixel) % 8 !== 0 && info.numberOfFrames > 1) {
      throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, '1-bit frames that do not end on a byte boundary are not supported');
    }
    if (pixelData.bytes.length < frameLength * info.numberOfFrames) {
      throw new DicomError(
        ErrorCode.DICOM_PIXEL_DATA,
        `Pixel Data has ${pixelData.bytes.length} bytes, ${info.numberOfFrames} frame(s) need ${frameLength * info.numberOfFrames}`,
      );
    }
    const frames: Uint8Array[] = [];
    for (let i = 0; i < info.numberOfFrames; i++) {
      frames.push(pixelData.bytes.subarray(i * frameLength, (i + 1) * frameLength));
    }
    return { encapsulated: false, frames };
  }

  const { fragments, fragmentOffsets } = pixelData.encapsulated;
  const frameCount = info.numberOfFrames;
  const extended = dataset.get(Tag.ExtendedOffsetTable);
  let starts: number[] | undefined;
  if (extended !== undefined && extended.bytes.length === frameCount * 8) {
    const view = new DataView(extended.bytes.buffer, extended.bytes.byteOffset, extended.bytes.byteLength);
    starts = [];
    for (let i = 0; i < frameCount; i++) starts.push(Number(view.getBigUint64(i * 8, true)));
  } else if (pixelData.encapsulated.basicOffsetTable.length > 0) {
    starts = pixelData.encapsulated.basicOffsetTable;
  }

  if (starts !== undefined) {
    if (starts.length !== frameCount) {
      throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, `offset table has ${starts.length} entries for ${frameCount} frame(s)`);
    }
    const firstFragmentIndex = starts.map((offset) => {
      const index = fragmentOffsets.indexOf(offset);
      if (index < 0) throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, `offset table entry ${offset} points at no fragment`);
      return index;
    });
    return {
      encapsulated: true,
      frames: firstFragmentIndex.map((first, i) => {
        const next = i + 1 < frameCount ? firstFragmentIndex[i + 1] : fragments.length;
        if (next <= first) throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, 'offset table entries are not increasing');
        return fragments.slice(first, next);
      }),
    };
  }
  if (fragments.length === frameCount) return { encapsulated: true, frames: fragments.map((fragment) => [fragment]) };
  if (frameCount === 1 && fragments.length > 0) return { encapsulated: true, frames: [fragments] };
  throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, `${fragments.length} fragment(s) for ${frameCount} frame(s) and no offset table to tell them apart`);
}
