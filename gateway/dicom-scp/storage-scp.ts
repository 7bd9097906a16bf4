/**
 * DIMSE Storage SCP (PS3.4 Annex B) and Verification SCP (PS3.4 Annex A) on dcmjs-dimse's
 * association and PDU handling, with our own socket server so we choose the host, learn the
 * ephemeral port and can close every connection.
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
 * Received bytes are collected raw (createStoreWritableStream), never parsed by dcmjs: the
 * Part 10 file is byte-for-byte what arrived, and parsing is done by native-bridge's reader.
 */
import { Writable } from 'node:stream';
import type { Socket } from 'node:net';
import dcmjsDimse from 'dcmjs-dimse';
import { SUPPORTED_TRANSFER_SYNTAXES } from '../../native-bridge/image-codecs.js';
import { examineReceivedObject, StoreStatus, type ReceivedImage, type Verdict } from './received-object.js';
import { ErrorCode } from '../../protocol/errors.js';
import { isCallingAeAllowed, type AllowRule } from './calling-ae-allow-list.js';
import type { PduGuard } from './pdu-guard.js';

const { Scp, Dataset, Implementation, constants, responses, log } = dcmjsDimse;
const { PresentationContextResult, RejectResult, RejectSource, RejectReason, SopClass, Status, TransferSyntax } = constants;
const { CEchoResponse, CStoreResponse } = responses;

type DimseAssociation = Parameters<InstanceType<typeof Scp>['associationRequested']>[0];
type DimseCStoreRequest = Parameters<InstanceType<typeof Scp>['cStoreRequest']>[0];
type DimseCEchoRequest = Parameters<InstanceType<typeof Scp>['cEchoRequest']>[0];
type DimseCStoreResponse = Parameters<Parameters<InstanceType<typeof Scp>['cStoreRequest']>[1]>[0];
type DimseCEchoResponse = Parameters<Parameters<InstanceType<typeof Scp>['cEchoRequest']>[1]>[0];
type DimseDataset = InstanceType<typeof Dataset>;
type PresentationContext = Parameters<InstanceType<typeof Scp>['createStoreWritableStream']>[0];

// dcmjs-dimse logs every PDU at info level by default; the gateway reports what matters itself.
log.setLevel('silent');

export const STORAGE_SOP_CLASS_ROOT = '1.2.840.10008.5.1.4.1.1.';

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
}

export interface ScpContext {
  aeTitle: string;
  acceptAnyCalledAeTitle: boolean;
  maxObjectBytes: number;
  /** Maximum Length of P-DATA-TF PDUs we advertise in the A-ASSOCIATE-AC (PS3.8 D.1); the guard enforces it. */
  maxPduLength: number;
  /** Calling AE titles with their source networks; empty admits every peer. */
  allowList: readonly AllowRule[];
  /** A reason to refuse an image that passed every check of its own (e.g. another patient's), or null. */
  admit?(image: ReceivedImage): { code: string; message: string } | null;
  /** Resolves when the image is handed on; a rejection makes the store fail with 0110H. */
  deliver(image: ReceivedImage): Promise<void>;
  reject(error: RejectedObject): void;
}

/** Collects a C-STORE data set as it arrives, up to a size limit. */
class RawDatasetCollector extends Writable {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  overflow = false;
  constructor(private readonly limit: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.overflow) {
      if (this.bytes + chunk.length > this.limit) {
        this.overflow = true;
        this.chunks.length = 0;
      } else {
        this.chunks.push(chunk);
      }
    }
    this.bytes += chunk.length;
    done();
  }
}

interface RawReception {
  collector: RawDatasetCollector;
  transferSyntaxUid: string;
}

export function chooseTransferSyntax(proposed: readonly string[]): string | undefined {
  return PREFERRED_TRANSFER_SYNTAXES.find((ts) => proposed.includes(ts));
}

/** One association's SCP; a new instance per TCP connection. */
export function createScpConnection(socket: Socket | PduGuard, ctx: ScpContext): InstanceType<typeof Scp> {
  // Data sets handed to cStoreRequest are placeholders; their raw bytes are looked up here.
  const receptions = new WeakMap<DimseDataset, RawReception>();

  class LarmorStorageScp extends Scp {
    private association: DimseAssociation | undefined;

    override associationRequested(association: DimseAssociation): void {
      this.association = association;
      const called = association.getCalledAeTitle().trim();
      if (!ctx.acceptAnyCalledAeTitle && called !== ctx.aeTitle) {
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
        return;
      }
      const calling = association.getCallingAeTitle().trim();
      if (!isCallingAeAllowed(ctx.allowList, calling, socket.remoteAddress)) {
        ctx.reject({
          code: ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED,
          message: `calling AE title ${calling} from ${socket.remoteAddress ?? 'an unknown address'} is not on the allow list`,
          callingAeTitle: calling,
          sopInstanceUid: null,
        });
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
        return;
      }
      for (const { id } of association.getPresentationContexts()) {
        const context = association.getPresentationContext(id);
        const abstractSyntax = context.getAbstractSyntaxUid();
        if (abstractSyntax !== SopClass.Verification && !abstractSyntax.startsWith(STORAGE_SOP_CLASS_ROOT)) {
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        const chosen = chooseTransferSyntax(context.getTransferSyntaxUids());
        if (chosen === undefined) context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
        else context.setResult(PresentationContextResult.Accept, chosen);
      }
      // dcmjs-dimse keeps one Maximum Length per association and writes min(it, its global
      // default) into the A-ASSOCIATE-AC; a peer's 0 ("no limit", PS3.8 D.1) would come out as 0.
      // Both are set to ours, just before the accept is written (synchronously), so the AC
      // advertises exactly what the guard enforces. dcmjs also splits what it sends by this value,
      // which is harmless: an SCP sends only C-STORE and C-ECHO responses of a few hundred bytes.
      association.setMaxPduLength(ctx.maxPduLength);
      Implementation.setMaxPduLength(ctx.maxPduLength);
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override cEchoRequest(request: DimseCEchoRequest, callback: (response: DimseCEchoResponse) => void): void {
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    override createStoreWritableStream(_context: PresentationContext, _request: DimseCStoreRequest): Writable {
      return new RawDatasetCollector(ctx.maxObjectBytes);
    }

    override createDatasetFromStoreWritableStream(
      writable: Writable,
      context: PresentationContext,
      callback: (dataset: DimseDataset) => void,
    ): void {
      const transferSyntaxUid = context.getAcceptedTransferSyntaxUid() ?? '';
      const placeholder = new Dataset({}, transferSyntaxUid);
      receptions.set(placeholder, { collector: writable as RawDatasetCollector, transferSyntaxUid });
      const hand = () => callback(placeholder);
      if (writable.writableFinished) hand();
      else writable.once('finish', hand);
    }

    override cStoreRequest(request: DimseCStoreRequest, callback: (response: DimseCStoreResponse) => void): void {
      const respond = (status: number, comment?: string) => {
        const response = CStoreResponse.fromRequest(request);
        response.setStatus(status);
        // Error Comment (0000,0902) is at most 64 characters (PS3.7 C.4.2.1.3).
        if (comment) response.setErrorComment(comment.slice(0, 64));
        callback(response);
      };
      const callingAeTitle = this.association?.getCallingAeTitle().trim() ?? '';
      const sopInstanceUid = request.getAffectedSopInstanceUid() ?? '';
      const refuse = (code: string, message: string, status: number) => {
        ctx.reject({ code, message, callingAeTitle, sopInstanceUid: sopInstanceUid || null });
        respond(status, code);
      };
      const dataset = request.getDataset();
      const reception = dataset ? receptions.get(dataset) : undefined;
      if (!reception) {
        refuse(ErrorCode.DICOM_UNREADABLE, 'C-STORE request without a data set', StoreStatus.CannotUnderstand);
        return;
      }
      if (reception.collector.overflow) {
        refuse(
          ErrorCode.DICOM_TOO_LARGE,
          `object of ${reception.collector.bytes} bytes exceeds the ${ctx.maxObjectBytes}-byte limit`,
          StoreStatus.OutOfResources,
        );
        return;
      }
      let verdict: Verdict;
      try {
        verdict = examineReceivedObject({
          dataset: reception.collector.chunks,
          transferSyntaxUid: reception.transferSyntaxUid,
          sopClassUid: request.getAffectedSopClassUid() ?? '',
          sopInstanceUid,
          callingAeTitle,
        });
      } catch (err) {
        refuse(ErrorCode.DICOM_UNREADABLE, (err as Error).message, StoreStatus.CannotUnderstand);
        return;
      }
      if (!verdict.ok) {
        refuse(verdict.code, verdict.message, verdict.status);
        return;
      }
      const inadmissible = ctx.admit?.(verdict.image) ?? null;
      if (inadmissible) {
        refuse(inadmissible.code, inadmissible.message, StoreStatus.NotAuthorized);
        return;
      }
      ctx.deliver(verdict.image).then(
        () => respond(StoreStatus.Success),
        (err: unknown) =>
          refuse(ErrorCode.DICOM_HANDLER_FAILED, `image handler failed: ${(err as Error)?.message ?? String(err)}`, StoreStatus.HandlerFailed),
      );
    }
  }

  // The guard stands in for the socket (it has the socket's on/write/setTimeout); dcmjs-dimse's
  // own association and PDU timeouts stay as a backstop to the guard's ARTIM and idle timers.
  return new LarmorStorageScp(socket as Socket, {});
}
