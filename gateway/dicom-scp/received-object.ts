/**
 * Decides what to do with one object received by C-STORE, independent of the network code:
 * wrap it as Part 10 (bytes untouched), parse it fully with native-bridge's reader (which
 * checks every length, so truncation is caught here), check it against the C-STORE command,
 * and keep only images the gateway can show: within the image size limits
 * (native-bridge/image-limits.ts), and, in a native transfer syntax, with as many bytes of
 * Pixel Data as its geometry declares. All of it before the C-STORE is answered, so a peer is
 * never told Success (0000H) for an image the pipeline then drops. Each refusal carries a
 * stable code and the DIMSE status the peer gets (PS3.4 B.2.3).
 *
 * Stable codes: the reader's own (LARMOR_E_DICOM_TRUNCATED, _MALFORMED, ... from
 * protocol/errors.ts) for unreadable data, else the receiver's LARMOR_E_DICOM_... codes there.
 */
import { readPart10, imageInfo, nativeFrameLength, Tag, type DicomFile } from '../../native-bridge/dicom/index.js';
import { isNativeTransferSyntax } from '../../native-bridge/dicom/uids.js';
import { checkImageLimits, DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../../native-bridge/image-limits.js';
import { codeOf, ErrorCode } from '../../protocol/errors.js';
import { isValidUid } from '../../base/node/uids.js';
import { requirePixelData } from '../../native-bridge/image-codecs.js';
import { part10Header, wrapAsPart10 } from './file-meta.js';

const PATIENT_NAME = 0x00100010;
const PATIENT_ID = 0x00100020;
const SERIES_INSTANCE_UID = 0x0020000e;

/** C-STORE response statuses (PS3.4 B.2.3 and PS3.7 Annex C). */
export const StoreStatus = {
  Success: 0x0000,
  /** Refused: Out of Resources. */
  OutOfResources: 0xa700,
  /** Error: Data Set does not match SOP Class. */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** Error: Cannot understand. */
  CannotUnderstand: 0xc000,
  /** Refused: SOP Class not supported. */
  SopClassNotSupported: 0x0122,
  /**
   * Refused: Out of Resources, used when our own image handler failed (A7xx is the C-STORE
   * failure class a sender treats as "try again later"; 0110H is not a C-STORE status).
   */
  HandlerFailed: 0xa701,
  /** Refused: Not Authorized (PS3.7 Annex C), for an image of another patient than the open exam's. */
  NotAuthorized: 0x0124,
} as const;

interface ReceivedFields {
  transferSyntaxUid: string;
  /** Affected SOP Class / Instance UID of the C-STORE-RQ command. */
  sopClassUid: string;
  sopInstanceUid: string;
  callingAeTitle: string;
  /** The peer's network address, when known. */
  peerAddress?: string;
}

/**
 * The object as received: its data set bytes as they arrived (whole, or in the chunks they came
 * in), in the negotiated transfer syntax; or the Part 10 file the receiver already built from
 * them behind receivedPart10Header(), for the same fields.
 */
export type ReceivedObject = ReceivedFields & ({ dataset: Uint8Array | readonly Uint8Array[] } | { part10: Uint8Array });

export interface ReceivedImage {
  /** Complete Part 10 file; the data set is byte-for-byte what the peer sent. */
  part10: Uint8Array;
  /** `part10` as parsed here, once: handed on so that nothing parses it again. */
  file: DicomFile;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  callingAeTitle: string;
  /** The peer's network address, when known: unlike the calling AE title, not the peer's to choose. */
  peerAddress?: string;
  /** Patient ID (0010,0020) and Patient Name (0010,0010), for the check against the open exam. */
  patient: { id: string | null; name: string | null };
}

export type Verdict = { ok: true; image: ReceivedImage } | { ok: false; code: string; message: string; status: number };

function refuse(code: string, message: string, status: number): Verdict {
  return { ok: false, code, message, status };
}

/** AE titles are at most 16 characters of the default repertoire, no backslash (PS3.5 6.2). */
function cleanAeTitle(title: string): string {
  return title
    .replace(/[^\x20-\x5b\x5d-\x7e]/g, '')
    .trim()
    .slice(0, 16);
}

/** Preamble and File Meta Information of a received object's Part 10 file (file-meta.ts). */
export function receivedPart10Header(obj: ReceivedFields): Uint8Array {
  return part10Header({
    transferSyntaxUid: obj.transferSyntaxUid,
    sopClassUid: obj.sopClassUid,
    sopInstanceUid: obj.sopInstanceUid,
    sourceAeTitle: cleanAeTitle(obj.callingAeTitle),
  });
}

export function examineReceivedObject(obj: ReceivedObject & { limits?: ImageLimits }): Verdict {
  for (const [name, uid] of [
    ['SOP Class UID', obj.sopClassUid],
    ['SOP Instance UID', obj.sopInstanceUid],
  ] as const) {
    if (!isValidUid(uid)) {
      return refuse(ErrorCode.DICOM_INVALID_UID, `the C-STORE command's ${name} "${uid.slice(0, 80)}" is not a valid UID`, StoreStatus.CannotUnderstand);
    }
  }
  const part10 =
    'part10' in obj
      ? obj.part10
      : wrapAsPart10(obj.dataset, {
          transferSyntaxUid: obj.transferSyntaxUid,
          sopClassUid: obj.sopClassUid,
          sopInstanceUid: obj.sopInstanceUid,
          sourceAeTitle: cleanAeTitle(obj.callingAeTitle),
        });
  let file: DicomFile;
  try {
    file = readPart10(part10);
  } catch (err) {
    return refuse(
      codeOf(err, ErrorCode.DICOM_UNREADABLE),
      `data set of ${obj.sopInstanceUid} cannot be read: ${(err as Error).message}`,
      StoreStatus.CannotUnderstand,
    );
  }
  const datasetClass = file.dataset.string(Tag.SOPClassUID);
  const datasetInstance = file.dataset.string(Tag.SOPInstanceUID);
  if (datasetClass !== obj.sopClassUid || datasetInstance !== obj.sopInstanceUid) {
    return refuse(
      ErrorCode.DICOM_UID_MISMATCH,
      `data set says SOP Class ${datasetClass ?? '(none)'} / Instance ${datasetInstance ?? '(none)'}, the command ${obj.sopClassUid} / ${obj.sopInstanceUid}`,
      StoreStatus.DataSetDoesNotMatchSopClass,
    );
  }
  try {
    requirePixelData(file.dataset, `${obj.sopClassUid} object ${obj.sopInstanceUid}`);
  } catch (err) {
    return refuse(codeOf(err, ErrorCode.DICOM_NOT_AN_IMAGE), (err as Error).message, StoreStatus.SopClassNotSupported);
  }
  // The workstations file every image under its series (Type 1 in every image IOD, PS3.3
  // C.7.3.1): without one the pipeline drops it, so the peer is told now, not Success.
  const seriesUid = file.dataset.string(SERIES_INSTANCE_UID);
  if (seriesUid === undefined || !isValidUid(seriesUid)) {
    return refuse(
      seriesUid === undefined ? ErrorCode.DICOM_MISSING_ATTRIBUTE : ErrorCode.DICOM_INVALID_UID,
      `${obj.sopClassUid} object ${obj.sopInstanceUid}: ${seriesUid === undefined ? 'no Series Instance UID (0020,000E)' : `Series Instance UID "${seriesUid.slice(0, 80)}" is not a valid UID`}`,
      StoreStatus.DataSetDoesNotMatchSopClass,
    );
  }
  try {
    const info = imageInfo(file.dataset);
    // 1-bit pixel data (segmentations, bitonal captures) is a label map, not a grey-level preview.
    if (info.bitsAllocated < 8) {
      return refuse(
        ErrorCode.DICOM_NOT_AN_IMAGE,
        `${obj.sopClassUid} object ${obj.sopInstanceUid} has ${info.bitsAllocated}-bit pixel data (a label map, not an image)`,
        StoreStatus.SopClassNotSupported,
      );
    }
    // Declared geometry first: a frame count of 65535 is refused for what it would cost, whatever
    // the Pixel Data holds.
    try {
      checkImageLimits(info, obj.limits ?? DEFAULT_IMAGE_LIMITS);
    } catch (err) {
      return refuse(
        codeOf(err, ErrorCode.IMAGE_TOO_LARGE),
        `${obj.sopClassUid} object ${obj.sopInstanceUid}: ${(err as Error).message}`,
        StoreStatus.OutOfResources,
      );
    }
    const pixelData = file.dataset.get(Tag.PixelData)!;
    if (!isNativeTransferSyntax(obj.transferSyntaxUid)) {
      // A compressed transfer syntax encapsulates its Pixel Data (PS3.5 A.4).
      if (pixelData.encapsulated === undefined) {
        return refuse(
          ErrorCode.DICOM_PIXEL_DATA,
          `${obj.sopClassUid} object ${obj.sopInstanceUid}: Pixel Data is not encapsulated in ${obj.transferSyntaxUid}, a compressed transfer syntax`,
          StoreStatus.CannotUnderstand,
        );
      }
    } else {
      // Native Pixel Data holds every frame, uncompressed (PS3.5 8.1.1, A.1): fewer bytes than
      // the geometry needs is an object that cannot be shown.
      const needed = nativeFrameLength(info) * info.numberOfFrames;
      if (pixelData.encapsulated !== undefined || pixelData.bytes.length < needed) {
        return refuse(
          ErrorCode.DICOM_PIXEL_DATA,
          `${obj.sopClassUid} object ${obj.sopInstanceUid}: Pixel Data ${pixelData.encapsulated !== undefined ? 'is encapsulated in a native transfer syntax' : `has ${pixelData.bytes.length} bytes`}, ` +
            `${info.columns} x ${info.rows} x ${info.samplesPerPixel} sample(s) x ${info.bitsAllocated} bits x ${info.numberOfFrames} frame(s) need ${needed}`,
          StoreStatus.CannotUnderstand,
        );
      }
    }
  } catch (err) {
    return refuse(codeOf(err, ErrorCode.DICOM_NOT_AN_IMAGE), (err as Error).message, StoreStatus.CannotUnderstand);
  }
  return {
    ok: true,
    image: {
      part10,
      file,
      transferSyntaxUid: obj.transferSyntaxUid,
      sopClassUid: obj.sopClassUid,
      sopInstanceUid: obj.sopInstanceUid,
      callingAeTitle: obj.callingAeTitle,
      ...(obj.peerAddress !== undefined ? { peerAddress: obj.peerAddress } : {}),
      patient: { id: file.dataset.string(PATIENT_ID) ?? null, name: file.dataset.string(PATIENT_NAME) ?? null },
    },
  };
}
