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
    return { ok: false, code: codeOf(err), message: (err as Error).message, spare: part10 };
  }
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
