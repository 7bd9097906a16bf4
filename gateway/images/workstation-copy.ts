import { codeOf, ErrorCode, LarmorError } from '../../protocol/index.js';
import {
  Tag,
  TransferSyntax,
  datasetToElements,
  encapsulateFrames,
  imageInfo,
  pixelDataFrames,
  readPart10,
  writePart10,
  type DicomElement,
  type DicomFile,
  type ImageInfo,
} from '../../native-bridge/dicom/index.js';
import { checkImageLimits, requirePixelData, type ImageCodecs, type ImageLimits } from '../../native-bridge/index.js';

/** What every workstation gets of a received object, and what names it. */
export interface WorkstationCopy {
  bytes: Uint8Array;
  transferSyntaxUid: string;
  sopInstanceUid: string;
  seriesUid: string;
}

/**
 * A received object's workstation copy, or the coded refusal: what a transcode worker answers.
 * `spare` is the received bytes when the copy does not use them (it was compressed, or refused),
 * so their buffer can hold a later object; null when the copy is those very bytes.
 */
export type TranscodeAnswer = (({ ok: true } & WorkstationCopy) | { ok: false; code: string; message: string }) & { spare: Uint8Array | null };

/** Part 10 bytes parsed and made into their workstation copy; never throws. */
export function transcodeAnswer(part10: Uint8Array, codecs: ImageCodecs, limits: ImageLimits): TranscodeAnswer {
  try {
    const copy = workstationCopy(readPart10(part10), part10, codecs, limits);
    return { ok: true, ...copy, spare: copy.bytes.buffer === part10.buffer ? null : part10 };
  } catch (err) {
    return refusedAnswer(err, part10);
  }
}

/** A worker's coded refusal of one request (the error's LARMOR_E_ code, else INTERNAL). */
export function refusedAnswer(err: unknown, spare: Uint8Array | null): TranscodeAnswer {
  return { ok: false, code: codeOf(err), message: (err as Error).message, spare };
}

/** The answer to a request whose worker died (worker-pool.ts `failed`): its bytes died with it, nothing to recycle. */
export function workerFailed(what: string): (why: string) => TranscodeAnswer {
  return (why) => ({ ok: false, code: ErrorCode.INTERNAL, message: `${what} failed: ${why}`, spare: null });
}

/**
 * A received object made fit for the workstations: validated, its size checked against the
 * gateway's caps before anything is decoded, and compressed with RLE Lossless when that makes it
 * smaller (PS3.5 Annex G). Pure (no publishing, no notices), so it runs on the event loop or in
 * the transcode pool's workers alike (transcode-worker.ts). Throws a LarmorError with its code.
 */
export function workstationCopy(file: DicomFile, part10: Uint8Array, codecs: ImageCodecs, limits: ImageLimits): WorkstationCopy {
  const sopInstanceUid = file.dataset.string(Tag.SOPInstanceUID);
  const seriesUid = file.dataset.string(0x0020000e);
  requirePixelData(file.dataset);
  if (!sopInstanceUid || !seriesUid) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'the image lacks its SOP Instance or Series Instance UID');
  const info = imageInfo(file.dataset);
  // Before any frame is decoded or encoded: the declared size against the gateway's caps.
  checkImageLimits(info, limits);
  return { ...transcode(file, info, part10, codecs), sopInstanceUid, seriesUid };
}

/** RLE-encode native pixel data when smaller; pass RLE through; refuse what no workstation decodes. */
function transcode(file: DicomFile, info: ImageInfo, part10: Uint8Array, codecs: ImageCodecs): { bytes: Uint8Array; transferSyntaxUid: string } {
  const ts = file.transferSyntaxUid;
  const codec = codecs.codecFor(ts); // the registry refuses any transfer syntax it does not know
  const frames = pixelDataFrames(file);
  if (codec.encapsulated !== frames.encapsulated) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `Pixel Data encapsulation does not match ${ts}`);
  if (ts === TransferSyntax.RLELossless) return { bytes: part10, transferSyntaxUid: ts }; // RLE content is checked where decoded
  const bigEndian = ts === TransferSyntax.ExplicitVRBigEndian;
  const rleEncodable = [8, 16, 32].includes(info.bitsAllocated) && (info.samplesPerPixel === 1 || info.samplesPerPixel === 3);
  if (!rleEncodable) {
    if (bigEndian) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `${info.bitsAllocated}-bit big-endian pixel data is not supported`);
    return { bytes: part10, transferSyntaxUid: ts };
  }
  const encoded = frames.frames.map((frame) => codecs.encodeFrame(TransferSyntax.RLELossless, codec.decodeFrame(frame, info), info));
  const nativeBytes = frames.frames.reduce((n, f) => n + (f as Uint8Array).length, 0);
  const rleBytes = encoded.reduce((n, f) => n + f.length, 0);
  if (rleBytes >= nativeBytes && !bigEndian) return { bytes: part10, transferSyntaxUid: ts };
  const elements = datasetToElements(file.dataset).filter((e) => e.tag !== Tag.PixelData && e.tag !== Tag.ExtendedOffsetTable && e.tag >>> 16 !== 0x0002);
  elements.push({ tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames(encoded) });
  return { bytes: writePart10({ transferSyntaxUid: TransferSyntax.RLELossless, elements }), transferSyntaxUid: TransferSyntax.RLELossless };
}

/**
 * A simulated slice (writer input with native little-endian Pixel Data, as gateway/imaging makes
 * it) made into its workstation copy: its size checked against the caps, compressed with RLE
 * Lossless when that makes it smaller, and written as Part 10 once. Pure, like workstationCopy;
 * it runs in the slice render worker (slice-render-worker.ts). Throws a LarmorError with its code.
 */
export function simulatedCopy(elements: ReadonlyArray<DicomElement>, codecs: ImageCodecs, limits: ImageLimits): WorkstationCopy {
  const get = (tag: number) => elements.find((e) => e.tag === tag)?.value;
  const sopInstanceUid = get(Tag.SOPInstanceUID);
  const seriesUid = get(0x0020000e);
  const pixels = get(Tag.PixelData);
  if (pixels === undefined) throw new LarmorError(ErrorCode.DICOM_NOT_AN_IMAGE, 'the simulated image has no Pixel Data (7FE0,0010): not an image');
  if (typeof sopInstanceUid !== 'string' || typeof seriesUid !== 'string' || !ArrayBuffer.isView(pixels)) {
    throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'the simulated image lacks its UIDs or native Pixel Data');
  }
  const info = elementsImageInfo(elements);
  checkImageLimits(info, limits);
  const native = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const encoded = codecs.encodeFrame(TransferSyntax.RLELossless, native, info);
  const useRle = encoded.length < native.length;
  const transferSyntaxUid = useRle ? TransferSyntax.RLELossless : TransferSyntax.ExplicitVRLittleEndian;
  const out = useRle ? elements.map((e) => (e.tag === Tag.PixelData ? { tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames([encoded]) } : e)) : elements;
  return { bytes: writePart10({ transferSyntaxUid, elements: out }), transferSyntaxUid, sopInstanceUid, seriesUid };
}

/** Image Pixel attributes of writer input (the simulator's), as imageInfo() reads them from a parsed file. */
function elementsImageInfo(elements: ReadonlyArray<DicomElement>): ImageInfo {
  const num = (tag: number, fallback?: number): number => {
    const value = elements.find((e) => e.tag === tag)?.value;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n > 0) return n;
    if (fallback !== undefined) return fallback;
    throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `attribute (${(tag >>> 16).toString(16)},${(tag & 0xffff).toString(16)}) is missing or invalid`);
  };
  return {
    rows: num(Tag.Rows),
    columns: num(Tag.Columns),
    samplesPerPixel: num(Tag.SamplesPerPixel),
    bitsAllocated: num(Tag.BitsAllocated),
    planarConfiguration: 0,
    numberOfFrames: num(Tag.NumberOfFrames, 1),
  };
}
