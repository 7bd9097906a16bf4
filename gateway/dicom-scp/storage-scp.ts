/**
 * DIMSE Storage SCP (PS3.4 Annex B) and Verification SCP (PS3.4 Annex A): dcmjs-dimse
 * negotiates the association (and its release), our PDataReceiver carries the C-STORE and
 * C-ECHO traffic, and the socket server is our own so we choose the host, learn the ephemeral
 * port and can close every connection.
 *
 * Negotiation (PS3.8 9.3.2.2): Verification is accepted; so is every Storage SOP Class (any
 * abstract syntax under 1.2.840.10008.5.1.4.1.1, the storage branch of PS3.6 Annex A), image or
 * not. Non-image objects are refused per object, after reception, with a stable code and a
 * C-STORE failure status: that way the gateway can name and report them (onReject), whereas a
 * rejected presentation context would only show up in the sending scanner's log. Anything
 * else (query/retrieve, worklist, ...) is rejected at negotiation.
 * Transfer syntaxes, in order of preference when the peer proposes several: Explicit VR Little
 * Endian, RLE Lossless, Implicit VR Little Endian. The data set is never transcoded: the
 * handed-on Part 10 file carries the transfer syntax the peer used.
 *
 * Received bytes are collected raw, never parsed by dcmjs: the Part 10 file is byte-for-byte
 * what arrived, and parsing is done once, by native-bridge's reader.
 *
 * A C-STORE is checked against the presentation context it came on: an Affected SOP Class other
 * than the context's abstract syntax is refused with 0122H (PS3.7 9.1.1, PS3.4 B.2.3).
 *
 * The end of an association is the guard's (pdu-guard.ts): an A-ASSOCIATE-RJ or A-RELEASE-RP is
 * written there, and the connection closed behind it (PS3.8 9.2, Sta13). The A-RELEASE-RP goes
 * out after the responses to every request that came before the A-RELEASE-RQ.
 */
import type { Socket } from 'node:net';
import dcmjsDimse from 'dcmjs-dimse';
import { SUPPORTED_TRANSFER_SYNTAXES } from '../../native-bridge/image-codecs.js';
import { examineReceivedObject, receivedPart10Header, StoreStatus, type ReceivedImage, type Verdict } from './received-object.js';
import { PDataReceiver, type AcceptedContext, type StoreOutcome, type StoreRequest } from './p-data-receiver.js';
import { ErrorCode } from '../../protocol/errors.js';
import { isCallingAeAllowed, type AllowRule } from './calling-ae-allow-list.js';
import type { PduGuard } from './pdu-guard.js';
import type { ObjectBuffers } from './object-buffers.js';
import { RejectReason, RejectResult, RejectSource, associateReject } from './upper-layer-pdus.js';
import type { ImageLimits } from '../../native-bridge/image-limits.js';

const { Scp, Implementation, constants, log } = dcmjsDimse;
const { PresentationContextResult, SopClass, TransferSyntax } = constants;

type DimseAssociation = Parameters<InstanceType<typeof Scp>['associationRequested']>[0];

// dcmjs-dimse logs every PDU at info level by default; the gateway reports what matters itself.
log.setLevel('silent');

const STORAGE_SOP_CLASS_ROOT = '1.2.840.10008.5.1.4.1.1.';

/**
 * The image registry's transfer syntaxes in its order of preference, except Explicit VR Big
 * Endian: retired (PS3.5 A.3), so not negotiated; peers such as storescu then convert it.
 */
const PREFERRED_TRANSFER_SYNTAXES: readonly string[] = SUPPORTED_TRANSFER_SYNTAXES.filter((ts) => ts !== TransferSyntax.ExplicitVRBigEndian);

export interface RejectedObject {
  code: string;
  message: string;
  callingAeTitle: string;
  /** Affected SOP Instance UID of the command, when there was one. */
  sopInstanceUid: string | null;
  /** The peer's network address, when known: unlike the calling AE title, not the peer's to choose. */
  peerAddress?: string;
}

export interface ScpContext {
  aeTitle: string;
  acceptAnyCalledAeTitle: boolean;
  maxObjectBytes: number;
  /** Maximum Length of P-DATA-TF PDUs we advertise in the A-ASSOCIATE-AC (PS3.8 D.1); the guard enforces it. */
  maxPduLength: number;
  /** Calling AE titles with their source networks; empty admits every peer. */
  allowList: readonly AllowRule[];
  /** Decoded-size caps an image's declared geometry must keep to (native-bridge/image-limits.ts). */
  imageLimits?: ImageLimits;
  /** A reason to refuse an image that passed every check of its own (e.g. another patient's), or null. */
  admit?(image: ReceivedImage): { code: string; message: string } | null;
  /** Buffers for the objects' Part 10 files: a refused object's goes back at once, a delivered one's when its consumer recycles it. */
  buffers: ObjectBuffers;
  /** Resolves when the image is handed on; a rejection makes the store fail with 0110H. */
  deliver(image: ReceivedImage): Promise<void>;
  reject(error: RejectedObject): void;
}

function chooseTransferSyntax(proposed: readonly string[]): string | undefined {
  return PREFERRED_TRANSFER_SYNTAXES.find((ts) => proposed.includes(ts));
}

/**
 * A C-STORE's data set, checked and handed on: the C-STORE status the peer gets (PS3.4 B.2.3),
 * with the code of a refusal as Error Comment.
 */
async function store(ctx: ScpContext, callingAeTitle: string, peerAddress: string | undefined, request: StoreRequest): Promise<StoreOutcome> {
  const sopInstanceUid = request.command.affectedSopInstanceUid;
  const refuse = (code: string, message: string, status: number): StoreOutcome => {
    ctx.reject({ code, message, callingAeTitle, sopInstanceUid: sopInstanceUid || null, ...(peerAddress !== undefined ? { peerAddress } : {}) });
    return { status, errorComment: code };
  };
  const refuseAndRecycle = (code: string, message: string, status: number): StoreOutcome => {
    if (request.part10 !== null) ctx.buffers.release(request.part10.buffer);
    return refuse(code, message, status);
  };
  const sopClassUid = request.command.affectedSopClassUid;
  if (sopClassUid !== request.abstractSyntaxUid) {
    return refuseAndRecycle(
      ErrorCode.DICOM_SOP_CLASS_NOT_NEGOTIATED,
      `a C-STORE of SOP Class ${sopClassUid.slice(0, 80)} on a presentation context negotiated for ${request.abstractSyntaxUid}`,
      StoreStatus.SopClassNotSupported,
    );
  }
  if (request.overflow) {
    return refuse(ErrorCode.DICOM_TOO_LARGE, `object of ${request.bytes} bytes exceeds the ${ctx.maxObjectBytes}-byte limit`, StoreStatus.OutOfResources);
  }
  let verdict: Verdict;
  try {
    verdict = examineReceivedObject({
      // A C-STORE without a data set has no file built: its empty data set is refused as unreadable.
      ...(request.part10 !== null ? { part10: request.part10 } : { dataset: [] }),
      transferSyntaxUid: request.transferSyntaxUid,
      sopClassUid: request.command.affectedSopClassUid,
      sopInstanceUid,
      callingAeTitle,
      ...(peerAddress !== undefined ? { peerAddress } : {}),
      ...(ctx.imageLimits ? { limits: ctx.imageLimits } : {}),
    });
  } catch (err) {
    return refuseAndRecycle(ErrorCode.DICOM_UNREADABLE, (err as Error).message, StoreStatus.CannotUnderstand);
  }
  if (!verdict.ok) return refuseAndRecycle(verdict.code, verdict.message, verdict.status);
  const inadmissible = ctx.admit?.(verdict.image) ?? null;
  if (inadmissible) return refuseAndRecycle(inadmissible.code, inadmissible.message, StoreStatus.NotAuthorized);
  try {
    await ctx.deliver(verdict.image);
    return { status: StoreStatus.Success };
  } catch (err) {
    return refuse(ErrorCode.DICOM_HANDLER_FAILED, `image handler failed: ${(err as Error)?.message ?? String(err)}`, StoreStatus.HandlerFailed);
  }
}

/**
 * One association's SCP; a new instance per TCP connection. dcmjs-dimse negotiates the
 * association and answers its release; from the A-ASSOCIATE-AC on, every P-DATA-TF goes to our
 * PDataReceiver (p-data-receiver.ts), which answers C-STORE and C-ECHO.
 */
export function createScpConnection(guard: PduGuard, ctx: ScpContext): InstanceType<typeof Scp> {
  const peerAddress = guard.remoteAddress;
  let receiver: PDataReceiver | null = null;
  class LarmorStorageScp extends Scp {
    override associationRequested(association: DimseAssociation): void {
      const called = association.getCalledAeTitle().trim();
      const calling = association.getCallingAeTitle().trim();
      const refuseAssociation = (code: ErrorCode, message: string, reason: number) => {
        ctx.reject({ code, message, callingAeTitle: calling, sopInstanceUid: null, ...(peerAddress !== undefined ? { peerAddress } : {}) });
        guard.rejectAssociation(associateReject(RejectResult.Permanent, RejectSource.ServiceUser, reason));
      };
      if (!ctx.acceptAnyCalledAeTitle && called !== ctx.aeTitle) {
        refuseAssociation(
          ErrorCode.DICOM_CALLED_AE_UNKNOWN,
          `calling AE title ${calling} from ${peerAddress ?? 'an unknown address'} called AE title ${called}, not ${ctx.aeTitle}`,
          RejectReason.CalledAeNotRecognized,
        );
        return;
      }
      if (!isCallingAeAllowed(ctx.allowList, calling, peerAddress)) {
        refuseAssociation(
          ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED,
          `calling AE title ${calling} from ${peerAddress ?? 'an unknown address'} is not on the allow list`,
          RejectReason.CallingAeNotRecognized,
        );
        return;
      }
      const accepted = new Map<number, AcceptedContext>();
      for (const { id } of association.getPresentationContexts()) {
        const context = association.getPresentationContext(id);
        const abstractSyntax = context.getAbstractSyntaxUid();
        if (abstractSyntax !== SopClass.Verification && !abstractSyntax.startsWith(STORAGE_SOP_CLASS_ROOT)) {
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        const chosen = chooseTransferSyntax(context.getTransferSyntaxUids());
        if (chosen === undefined) context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
        else {
          context.setResult(PresentationContextResult.Accept, chosen);
          accepted.set(id, { abstractSyntaxUid: abstractSyntax, transferSyntaxUid: chosen });
        }
      }
      // dcmjs-dimse keeps one Maximum Length per association and writes min(it, its global
      // default) into the A-ASSOCIATE-AC; a peer's 0 ("no limit", PS3.8 D.1) would come out as 0.
      // Both are set to ours, just before the accept is written (synchronously), so the AC
      // advertises exactly what the guard enforces.
      association.setMaxPduLength(ctx.maxPduLength);
      Implementation.setMaxPduLength(ctx.maxPduLength);
      this.sendAssociationAccept();
      receiver = new PDataReceiver({
        contexts: accepted,
        maxObjectBytes: ctx.maxObjectBytes,
        buffers: ctx.buffers,
        part10Header: (command, transferSyntaxUid) =>
          receivedPart10Header({
            transferSyntaxUid,
            sopClassUid: command.affectedSopClassUid,
            sopInstanceUid: command.affectedSopInstanceUid,
            callingAeTitle: calling,
          }),
        store: (request) => store(ctx, calling, peerAddress, request),
        send: (pdu) => guard.writePdu(pdu),
        abort: (code, message) => guard.abortAssociation({ code, message: `${message} (calling AE ${calling})` }),
      });
      guard.takePData(receiver);
    }

    override associationReleaseRequested(): void {
      // The responses to what came before go out first (PS3.7 9.1: a release does not cut short
      // the operations under way); the guard reads nothing after the A-RELEASE-RQ meanwhile.
      void (receiver?.settled() ?? Promise.resolve()).then(() => guard.releaseAssociation());
    }
  }

  // The guard stands in for the socket (it has the socket's on/write). dcmjs-dimse's timers are
  // off: its PDU timeout counts only the PDUs handed to it, and P-DATA-TF goes to the
  // PDataReceiver instead, so it would abort an association that sends images without a pause
  // (its check runs only on a connection marked `connected`, which this one never is; the
  // timeouts are infinite besides, and the guard ignores its setTimeout). The guard's ARTIM and
  // idle timers bound a silent peer.
  return new LarmorStorageScp(guard as unknown as Socket, { associationTimeout: Infinity, pduTimeout: Infinity, connectTimeout: Infinity });
}
