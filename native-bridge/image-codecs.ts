/**
 * The one registry of image codecs, keyed by Transfer Syntax UID (as Cornerstone keeps one
 * decoder per transfer syntax): every path that turns stored Pixel Data into pixels, or pixels
 * into stored Pixel Data, goes through here: the gateway's C-STORE receiver and image pipeline,
 * the workstation's image intake and the CLI.
 *
 *   const codecs = createImageCodecs(rle);
 *   codecs.decodeFrame(file.transferSyntaxUid, storedFrame, info)  // native little-endian bytes
 *   codecs.encodeFrame(TransferSyntax.RLELossless, pixels, info)   // stored frame
 *   SUPPORTED_TRANSFER_SYNTAXES                                     // what the registry knows
 *
 * A transfer syntax the registry does not know is refused with
 * LARMOR_E_DICOM_UNSUPPORTED_TRANSFER_SYNTAX (the dispatch's throwing default).
 */
import { ErrorCode, LarmorError } from '../protocol/errors.js';
import { swapToLittleEndian } from './dicom/convert.js';
import type { DataSet } from './dicom/dataset.js';
import { Tag, type ImageInfo } from './dicom/image.js';
import { TransferSyntax } from './dicom/uids.js';
import type { RleCodec } from './rle/codec.js';
import type { RleFrameInfo } from './rle/frame-layout.js';

/** One frame as stored: a native frame's bytes, or an encapsulated frame's fragments (PS3.5 A.4). */
type StoredFrame = Uint8Array | ReadonlyArray<Uint8Array>;

interface FrameCodec {
  readonly transferSyntaxUid: string;
  /** Pixel Data is encapsulated (PS3.5 A.4) rather than one native value (PS3.5 A.1-A.3). */
  readonly encapsulated: boolean;
  /** Stored frame -> native little-endian pixel bytes laid out per Planar Configuration. */
  decodeFrame(frame: StoredFrame, info: ImageInfo): Uint8Array;
  /** Native little-endian pixel bytes -> the frame as this transfer syntax stores it. */
  encodeFrame(pixels: Uint8Array, info: ImageInfo): Uint8Array;
}

/** Every transfer syntax any part of Larmor reads or writes Pixel Data in; the SCP negotiates from this list. */
export const SUPPORTED_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.RLELossless,
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRBigEndian,
];

/**
 * The one "is this an image" check: Pixel Data (7FE0,0010) present (PS3.3 C.7.6.3). Objects
 * without it (structured reports, presentation states) are refused with one code everywhere.
 */
export function requirePixelData(dataset: DataSet, what = 'the object'): void {
  if (!dataset.has(Tag.PixelData)) throw new LarmorError(ErrorCode.DICOM_NOT_AN_IMAGE, `${what} has no Pixel Data (7FE0,0010): not an image`);
}

export function rleFrameInfo(info: ImageInfo): RleFrameInfo {
  return {
    rows: info.rows,
    columns: info.columns,
    samplesPerPixel: info.samplesPerPixel,
    bitsAllocated: info.bitsAllocated,
    planarConfiguration: info.planarConfiguration,
  };
}

function single(frame: StoredFrame, uid: string): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `${uid} stores Pixel Data natively, but the frame is encapsulated`);
}

/** Bytes per sample a byte order applies to; 1-bit and 8-bit data have no byte order. */
function sampleWidth(info: ImageInfo): number {
  return info.bitsAllocated >= 16 ? info.bitsAllocated / 8 : 1;
}

const littleEndianNative = (uid: string): FrameCodec => ({
  transferSyntaxUid: uid,
  encapsulated: false,
  decodeFrame: (frame) => single(frame, uid),
  encodeFrame: (pixels) => pixels,
});

/** PS3.5 A.3 (retired, still sent by old scanners): samples wider than a byte are stored most significant byte first. */
const bigEndianNative: FrameCodec = {
  transferSyntaxUid: TransferSyntax.ExplicitVRBigEndian,
  encapsulated: false,
  decodeFrame: (frame, info) => swapToLittleEndian(single(frame, TransferSyntax.ExplicitVRBigEndian), sampleWidth(info)),
  encodeFrame: (pixels, info) => swapToLittleEndian(pixels, sampleWidth(info)),
};

function rleLossless(rle: RleCodec): FrameCodec {
  return {
    transferSyntaxUid: TransferSyntax.RLELossless,
    encapsulated: true,
    decodeFrame: (frame, info) => rle.decode(frame, rleFrameInfo(info)),
    encodeFrame: (pixels, info) => rle.encode(pixels, rleFrameInfo(info)),
  };
}

export interface ImageCodecs {
  readonly rle: RleCodec;
  /** The codec for a transfer syntax; throws LARMOR_E_DICOM_UNSUPPORTED_TRANSFER_SYNTAX for any other. */
  codecFor(transferSyntaxUid: string): FrameCodec;
  decodeFrame(transferSyntaxUid: string, frame: StoredFrame, info: ImageInfo): Uint8Array;
  encodeFrame(transferSyntaxUid: string, pixels: Uint8Array, info: ImageInfo): Uint8Array;
}

/** The registry over one RLE implementation (native addon or TypeScript fallback). */
export function createImageCodecs(rle: RleCodec): ImageCodecs {
  const explicitLe = littleEndianNative(TransferSyntax.ExplicitVRLittleEndian);
  const implicitLe = littleEndianNative(TransferSyntax.ImplicitVRLittleEndian);
  const rleCodec = rleLossless(rle);
  const codecFor = (uid: string): FrameCodec => {
    switch (uid) {
      case TransferSyntax.ExplicitVRLittleEndian:
        return explicitLe;
      case TransferSyntax.ImplicitVRLittleEndian:
        return implicitLe;
      case TransferSyntax.ExplicitVRBigEndian:
        return bigEndianNative;
      case TransferSyntax.RLELossless:
        return rleCodec;
      default:
        throw new LarmorError(ErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, `transfer syntax ${uid} is not supported (send uncompressed or RLE Lossless)`);
    }
  };
  return {
    rle,
    codecFor,
    decodeFrame: (uid, frame, info) => codecFor(uid).decodeFrame(frame, info),
    encodeFrame: (uid, pixels, info) => codecFor(uid).encodeFrame(pixels, info),
  };
}
