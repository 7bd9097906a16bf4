/**
 * Whole-file operations on top of the Part 10 helpers and the RLE codec: decode every frame of a
 * file to native little-endian bytes, and re-encode a file as RLE Lossless. Used by the CLI
 * (`larmor decode`, `larmor encode-rle`), the workstation and the gateway.
 */
import { datasetToElements, encapsulateFrames, imageInfo, nativeFrameLength, pixelDataFrames, writePart10 } from './dicom/index.js';
import { ErrorCode } from '../protocol/errors.js';
import { DicomError, Tag, TransferSyntax, type DicomFile } from './dicom/index.js';
import { createImageCodecs, rleFrameInfo } from './image-codecs.js';
import type { RleCodec } from './rle/codec.js';

/**
 * Every frame as native little-endian bytes laid out per Planar Configuration, each decoded by
 * the codec registered for the file's transfer syntax (image-codecs.ts).
 */
export function decodeFrames(file: DicomFile, codec: RleCodec): Uint8Array[] {
  const codecs = createImageCodecs(codec);
  const frameCodec = codecs.codecFor(file.transferSyntaxUid);
  const info = imageInfo(file.dataset);
  const frames = pixelDataFrames(file);
  if (frameCodec.encapsulated && !frames.encapsulated) {
    throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, `${file.transferSyntaxUid} Pixel Data is not encapsulated`);
  }
  if (!frameCodec.encapsulated && frames.encapsulated) {
    throw new DicomError(ErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, `cannot decode transfer syntax ${file.transferSyntaxUid}`);
  }
  return frames.frames.map((frame) => frameCodec.decodeFrame(frame, info));
}

/**
 * Streams the file's Pixel Data as an uncompressed little-endian value to `sink`: all frames in
 * order, padded to even length with a zero byte (PS3.5 8.1.1), i.e. the bytes dcmdrle writes. A
 * native Little Endian value is passed as stored. RLE frames are decoded one at a time into one
 * reused buffer, so `sink` must consume (e.g. write) each chunk before returning.
 */
export function streamDecodedPixelData(file: DicomFile, codec: RleCodec, sink: (chunk: Uint8Array) => void): void {
  const info = imageInfo(file.dataset);
  const pixelData = file.dataset.get(Tag.PixelData);
  const nativeLittleEndian =
    file.transferSyntaxUid === TransferSyntax.ExplicitVRLittleEndian || file.transferSyntaxUid === TransferSyntax.ImplicitVRLittleEndian;
  if (pixelData !== undefined && pixelData.encapsulated === undefined && nativeLittleEndian) {
    sink(pixelData.bytes);
    return;
  }
  let total = 0;
  if (file.transferSyntaxUid === TransferSyntax.RLELossless) {
    const frames = pixelDataFrames(file);
    if (!frames.encapsulated) throw new DicomError(ErrorCode.DICOM_PIXEL_DATA, 'RLE Lossless Pixel Data is not encapsulated');
    const rleInfo = rleFrameInfo(info);
    const scratch = new Uint8Array(nativeFrameLength(info));
    for (const fragments of frames.frames) {
      codec.decodeInto(fragments, rleInfo, scratch);
      sink(scratch);
      total += scratch.length;
    }
  } else {
    for (const frame of decodeFrames(file, codec)) {
      sink(frame);
      total += frame.length;
    }
  }
  if (total % 2 === 1) sink(new Uint8Array(1));
}

/** Elements the re-encoded file must not carry over (they describe the old Pixel Data layout). */
function isStale(tag: number): boolean {
  return (
    tag === Tag.PixelData ||
    tag === Tag.ExtendedOffsetTable ||
    tag === 0x7fe00002 || // Extended Offset Table Lengths
    (tag & 0xffff) === 0x0000 // group lengths (retired; would be wrong after the change)
  );
}

/** Re-encode a native or RLE file as RLE Lossless, one fragment per frame with a Basic Offset Table. */
export function toRleLossless(file: DicomFile, codec: RleCodec): Uint8Array {
  const info = imageInfo(file.dataset);
  const rle = createImageCodecs(codec).codecFor(TransferSyntax.RLELossless);
  const encoded = decodeFrames(file, codec).map((frame) => rle.encodeFrame(frame, info));
  const elements = datasetToElements(file.dataset).filter((element) => !isStale(element.tag >>> 0));
  elements.push({ tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames(encoded) });
  return writePart10({ transferSyntaxUid: TransferSyntax.RLELossless, elements });
}
