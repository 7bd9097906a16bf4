/**
 * A length-checking guard between a DICOM peer's socket and dcmjs-dimse. dcmjs-dimse collects a
 * whole PDU before looking at it (and re-concatenates its buffer on every chunk), so a peer that
 * declares a 48 MiB A-ASSOCIATE-RQ and trickles it in makes it hold, and copy, all of it. The
 * guard reads only the 6-byte PDU headers as bytes pass (PS3.8 9.3.1) and refuses at the header:
 *
 * - an unknown PDU type: A-ABORT, unrecognized PDU (PS3.8 9.3.8);
 * - anything but an A-ASSOCIATE-RQ as the first PDU: A-ABORT, unexpected PDU (PS3.8 9.2, Sta2);
 * - an A-ASSOCIATE-RQ over the hard cap: A-ASSOCIATE-RJ, permanent, local limit exceeded
 *   (PS3.8 9.3.4); any later PDU over the hard cap, or a P-DATA-TF longer than the Maximum
 *   Length we advertised in the A-ASSOCIATE-AC (PS3.8 D.1): A-ABORT, invalid PDU parameter;
 * - a complete A-ASSOCIATE-RQ whose items do not fit together, or that names no AE title
 *   (associate-rq-check.ts): A-ABORT, invalid PDU parameter value, or A-ASSOCIATE-RJ;
 * - a complete A-ASSOCIATE-RQ when no association slot is free: A-ASSOCIATE-RJ, transient,
 *   temporary congestion, so the scanner retries later (PS3.8 9.3.4). The slot is claimed then,
 *   not on connecting: a peer that connects and says nothing holds no slot, only its socket
 *   until ARTIM;
 * - on an established association, an A-ASSOCIATE-RQ, -AC, -RJ or A-RELEASE-RP, and after the
 *   peer's A-RELEASE-RQ anything but an A-ABORT: A-ABORT, unexpected PDU (PS3.8 9.2, Sta6 and
 *   Sta8, action AA-8).
 *
 * An A-ABORT from the peer closes the transport (PS3.8 9.2, AA-3). Once the guard has sent an
 * A-ASSOCIATE-RJ, an A-RELEASE-RP or an A-ABORT, nothing the peer sends is looked at any more:
 * the guard half-closes the transport behind that PDU and destroys it after a short grace, as
 * ARTIM does in Sta13 (PS3.8 9.2), and the association slot is free at once.
 *
 * Timers: ARTIM (PS3.8 9.1.5) runs from the connection until the A-ASSOCIATE-RQ is complete;
 * when it expires the transport is closed without a PDU (Sta2, action AA-2). Afterwards an idle
 * timer aborts an association whose peer sends nothing for `idleMs`. These are the only timers:
 * dcmjs-dimse's own (storage-scp.ts) would count only the PDUs it is handed, not the P-DATA-TF
 * that streams past it, and cut a busy association. Either judges only after
 * the reads waiting when it fired: after a pause of this process (a long collection, a starved
 * host), Node runs expired timers before it reads its sockets, so a timer that judged at once
 * would take a punctual peer for a silent one (docs/architecture.md "Link health" excuses the
 * same stall on the web port).
 *
 * To dcmjs-dimse the guard is the socket: it emits each PDU it let through, whole, as 'data'
 * (so at most one PDU, of a checked length, is held per connection), and passes 'close', 'error'
 * and 'timeout' on; write() goes to the real socket. Once the association is accepted, P-DATA-TF
 * PDUs are not collected at all: their bytes stream, as views of the socket's chunks, to the
 * PDataStream (p-data-receiver.ts), which copies what it keeps.
 *
 * Back-pressure: a peer that sends requests without reading the responses would make the
 * responses pile up in this process. Past MAX_UNREAD_BYTES of unwritten responses the guard
 * stops reading the socket until they drain, so the peer's requests wait in the network
 * instead; a peer that still reads nothing for `idleMs` is aborted (LARMOR_E_DICOM_RESPONSES_UNREAD).
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ErrorCode } from '../../protocol/errors.js';
import {
  AbortReason,
  AbortSource,
  PDU_HEADER_LENGTH,
  PduType,
  RejectReason,
  RejectResult,
  RejectSource,
  abort,
  associateReject,
  releaseResponse,
} from './upper-layer-pdus.js';
import { checkAssociateRq } from './associate-rq-check.js';
import { afterWaitingReads } from '../../base/node/after-waiting-reads.js';

export interface PduLimits {
  /** Maximum Length we advertise for P-DATA-TF PDUs (PS3.8 D.1), in bytes after the header. */
  maxPduLength: number;
  /** No PDU of any type may be longer, whatever was advertised. */
  hardCapBytes: number;
  /** ARTIM: a complete A-ASSOCIATE-RQ must arrive within this time (PS3.8 9.1.5). */
  artimMs: number;
  /** An association whose peer sends nothing for this long is aborted. */
  idleMs: number;
}

export interface GuardRefusal {
  code: ErrorCode;
  message: string;
}

/** After a refusal PDU, the peer has this long to close before we drop the connection (PS3.8 9.2, Sta13 under ARTIM). */
const CLOSE_GRACE_MS = 1000;

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(PduType));

/** PDUs an acceptor never expects on an established association (PS3.8 9.2, Sta6: AA-8). */
const UNEXPECTED_WHEN_ASSOCIATED: ReadonlySet<number> = new Set([PduType.AssociateRq, PduType.AssociateAc, PduType.AssociateRj, PduType.ReleaseRp]);

/**
 * Responses written but not yet taken by the peer, beyond which the guard stops reading it. A
 * C-STORE or C-ECHO response is about a hundred bytes, and a peer waits for each one before its
 * next request unless it negotiated asynchronous operations (PS3.7 D.3.3.3): this is thousands
 * of unread responses, never a slow link.
 */
const MAX_UNREAD_BYTES = 256 * 1024;

/** Where P-DATA-TF PDUs go once the association is accepted, as their bytes arrive. */
export interface PDataStream {
  /** A P-DATA-TF whose header declares `length` bytes (already checked against the limits) begins. */
  start(length: number): void;
  /** The next bytes of its body: a view of a socket chunk, valid only during the call. */
  bytes(chunk: Uint8Array): void;
  /** Every byte its header declared has been passed on. */
  end(): void;
  /** Where to read at most `limit` next bytes of the body: room to read into, or how many bytes are wanted next. */
  readTarget?(limit: number): Uint8Array | number;
}

/** Item Length, Presentation Context ID and Message Control Header of a PDV item (PS3.8 9.3.5.1). */
const PDV_ITEM_HEADER_LENGTH = 6;

/** Largest read into the guard's own buffer (a PDU being collected, or bytes that are not an object's data). */
const SCRATCH_BYTES = 64 * 1024;

export class PduGuard extends EventEmitter {
  private readonly header = Buffer.alloc(PDU_HEADER_LENGTH);
  /**
   * What readBuffer() hands the socket when the bytes are not read into an object directly. A
   * plain Uint8Array, not a Buffer: whoever keeps part of a read copies it with slice(), which on
   * a Buffer would be a view of bytes the next read overwrites.
   */
  private readonly scratch = new Uint8Array(SCRATCH_BYTES);
  private headerBytes = 0;
  /** The PDU being received, allocated at its checked length, and how much of it has arrived. */
  private pdu: Buffer | null = null;
  private filled = 0;
  private currentType = 0;
  private pdus = 0;
  private associated = false;
  /** The peer asked to release (A-RELEASE-RQ): only an A-ABORT may follow (PS3.8 9.2, Sta8). */
  private releasing = false;
  private closing = false;
  /** Reading stopped until the peer takes the responses waiting for it. */
  private paused = false;
  /** Gives the association slot back; null when none is held. */
  private releaseSlot: (() => void) | null = null;
  private corked = false;
  private artim: NodeJS.Timeout | null;
  private idle: NodeJS.Timeout | null = null;
  /** Reads so far: the idle timer's judgement sees whether one came after it fired. */
  private reads = 0;
  /** Where P-DATA-TF PDUs go once the association is accepted, instead of to dcmjs-dimse. */
  private pData: PDataStream | null = null;
  /** Body bytes of the P-DATA-TF streaming to `pData` still to come. */
  private streaming = 0;

  constructor(
    readonly socket: Socket,
    private readonly limits: PduLimits,
    private readonly report: (refusal: GuardRefusal) => void,
    /** Takes an association slot for this connection once its A-ASSOCIATE-RQ is complete: what gives it back, or null when none is free. */
    private readonly claimSlot: () => (() => void) | null = () => () => undefined,
  ) {
    super();
    // A socket that reads into readBuffer() (direct-read-socket.ts) calls received() itself and emits no 'data'.
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('close', () => {
      this.clearTimers();
      this.freeSlot();
      this.emit('close');
    });
    socket.on('drain', () => {
      if (!this.paused) return;
      this.paused = false;
      if (!this.closing) socket.resume();
    });
    socket.on('error', (err) => {
      this.clearTimers();
      if (this.listenerCount('error') > 0) this.emit('error', err);
      socket.destroy();
    });
    socket.on('timeout', () => this.emit('timeout'));
    this.artim = setTimeout(() => {
      afterWaitingReads(() => {
        if (this.artim === null || this.closing) return; // the request completed meanwhile
        this.artim = null;
        this.close(null, { code: ErrorCode.DICOM_ARTIM_EXPIRED, message: `no complete A-ASSOCIATE-RQ within ${limits.artimMs} ms of connecting` });
      });
    }, limits.artimMs);
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  // --- the socket face dcmjs-dimse uses

  write(data: Uint8Array, callback?: (err?: Error | null) => void): boolean {
    if (this.socket.destroyed) return false;
    // dcmjs-dimse writes a response in several pieces; with Nagle off (index.ts) each would be a
    // system call and a packet of its own. Corked until the end of this tick, they go out as one.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    const written = this.socket.write(data, callback);
    this.holdBackIfUnread();
    return written;
  }

  /** One whole PDU, written at once: nothing to gather, so no cork (and no tick's wait). Nothing once the association is over. */
  writePdu(pdu: Uint8Array): void {
    if (this.socket.destroyed || this.closing) return;
    this.socket.write(pdu);
    this.holdBackIfUnread();
  }

  /**
   * dcmjs-dimse sets its connection timeout here. Ignored: the guard's ARTIM and idle timers are
   * the only ones (see the top of this file), and a socket timeout would count our own writes
   * as the peer's activity.
   */
  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.clearTimers();
    this.socket.destroy();
  }

  /** From now on, every P-DATA-TF PDU (length-checked at its header) streams to `stream`. */
  takePData(stream: PDataStream): void {
    this.pData = stream;
  }

  /** Abort the association with a coded reason (A-ABORT from the service provider, PS3.8 9.3.8). */
  abortAssociation(refusal: GuardRefusal, reason: number = AbortReason.UnexpectedPdu): void {
    this.close(abort(AbortSource.ServiceProvider, reason), refusal);
  }

  /**
   * Send the A-ASSOCIATE-RJ `rj` and close: nothing the peer sends afterwards is processed
   * (PS3.8 9.2, AE-8 then Sta13). Whoever rejects reports why.
   */
  rejectAssociation(rj: Buffer): void {
    this.close(rj, null);
  }

  /** Answer the peer's A-RELEASE-RQ with an A-RELEASE-RP and close (PS3.8 9.2, AR-4 then Sta13). */
  releaseAssociation(): void {
    this.close(releaseResponse(), null);
  }

  // --- reading

  /**
   * Where the socket should read next: for a P-DATA-TF carrying an object's data set, room in
   * that object (p-data-receiver.ts), so the kernel copies the bytes straight to where they
   * stay; otherwise the guard's scratch buffer, sized to end where the next header begins, so
   * that the next read can again go straight into an object.
   */
  readBuffer(): Uint8Array {
    if (this.closing) return this.scratch;
    if (this.streaming > 0 && this.pData?.readTarget) {
      const target = this.pData.readTarget(this.streaming);
      if (typeof target !== 'number') return target;
      return this.scratch.subarray(0, Math.max(1, Math.min(target, SCRATCH_BYTES)));
    }
    if (this.pdu !== null) return this.scratch.subarray(0, Math.min(this.pdu.length - this.filled, SCRATCH_BYTES));
    // Once associated, a header is mostly a P-DATA-TF's, followed by its first PDV item header
    // (PS3.8 9.3.5): both in one read. (A read returns what has arrived; it never waits for more.)
    return this.scratch.subarray(0, PDU_HEADER_LENGTH - this.headerBytes + (this.pData !== null ? PDV_ITEM_HEADER_LENGTH : 0));
  }

  /** Bytes off the socket: inspected, and passed on. */
  received(chunk: Uint8Array): void {
    if (this.closing) return;
    this.reads++;
    if (this.associated) this.armIdle();
    let offset = 0;
    while (offset < chunk.length) {
      if (this.closing) return; // a PDU just handled aborted the association
      if (this.streaming > 0) {
        const take = Math.min(this.streaming, chunk.length - offset);
        this.streaming -= take;
        this.pData!.bytes(chunk.subarray(offset, offset + take));
        offset += take;
        if (this.streaming === 0) this.pData!.end();
        continue;
      }
      if (this.pdu !== null) {
        const take = Math.min(this.pdu.length - this.filled, chunk.length - offset);
        this.pdu.set(chunk.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.pdu.length) this.pduComplete();
        continue;
      }
      const headerInChunk = this.headerBytes === 0;
      const take = Math.min(PDU_HEADER_LENGTH - this.headerBytes, chunk.length - offset);
      this.header.set(chunk.subarray(offset, offset + take), this.headerBytes);
      this.headerBytes += take;
      offset += take;
      if (this.headerBytes < PDU_HEADER_LENGTH) break;
      this.headerBytes = 0;
      const length = this.header.readUInt32BE(2);
      const refusal = this.check(this.header.readUInt8(0), length);
      if (refusal) {
        this.close(refusal.pdu, refusal);
        return;
      }
      if (this.currentType === PduType.PDataTf && this.pData !== null) {
        this.pData.start(length);
        if (length === 0) this.pData.end();
        else this.streaming = length;
        continue;
      }
      if (headerInChunk && chunk.length - offset >= length && chunk.buffer !== this.scratch.buffer) {
        // The whole PDU is in this chunk, which is ours to keep: handed on as a view of it, not copied.
        this.pdu = Buffer.from(chunk.buffer, chunk.byteOffset + offset - PDU_HEADER_LENGTH, PDU_HEADER_LENGTH + length);
        offset += length;
        this.pduComplete();
        continue;
      }
      // Only now, with the length checked, is room made for the PDU: dcmjs-dimse then gets each
      // PDU whole, in one piece, instead of re-joining its buffer on every chunk.
      this.pdu = Buffer.allocUnsafe(PDU_HEADER_LENGTH + length);
      this.header.copy(this.pdu, 0);
      this.filled = PDU_HEADER_LENGTH;
      if (this.filled === this.pdu.length) this.pduComplete();
    }
  }

  /** Checks one PDU header: a refusal, or null when the PDU may be received. */
  private check(type: number, length: number): (GuardRefusal & { pdu: Buffer }) | null {
    const first = this.pdus === 0;
    if (!KNOWN_TYPES.has(type)) {
      return {
        pdu: abort(AbortSource.ServiceProvider, AbortReason.UnrecognizedPdu),
        code: ErrorCode.DICOM_UNKNOWN_PDU,
        message: `PDU type 0x${type.toString(16).padStart(2, '0')} is not defined by PS3.8 9.3.1`,
      };
    }
    if (first && type !== PduType.AssociateRq) {
      return {
        pdu: abort(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu),
        code: ErrorCode.DICOM_UNEXPECTED_PDU,
        message: `PDU type 0x${type.toString(16).padStart(2, '0')} before any A-ASSOCIATE-RQ`,
      };
    }
    if (this.releasing ? type !== PduType.Abort : !first && UNEXPECTED_WHEN_ASSOCIATED.has(type)) {
      return {
        pdu: abort(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu),
        code: ErrorCode.DICOM_UNEXPECTED_PDU,
        message: `PDU type 0x${type.toString(16).padStart(2, '0')} ${this.releasing ? 'after an A-RELEASE-RQ' : 'on an established association'}`,
      };
    }
    if (length > this.limits.hardCapBytes) {
      const message = `PDU type 0x${type.toString(16).padStart(2, '0')} declares ${length} bytes, over the ${this.limits.hardCapBytes}-byte cap`;
      return first
        ? {
            pdu: associateReject(RejectResult.Permanent, RejectSource.ServiceProviderPresentation, RejectReason.LocalLimitExceeded),
            code: ErrorCode.DICOM_PDU_TOO_LARGE,
            message,
          }
        : { pdu: abort(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue), code: ErrorCode.DICOM_PDU_TOO_LARGE, message };
    }
    if (type === PduType.PDataTf && length > this.limits.maxPduLength) {
      return {
        pdu: abort(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue),
        code: ErrorCode.DICOM_PDU_TOO_LARGE,
        message: `P-DATA-TF of ${length} bytes, over the Maximum Length of ${this.limits.maxPduLength} we advertised`,
      };
    }
    this.pdus++;
    this.currentType = type;
    return null;
  }

  private pduComplete(): void {
    const pdu = this.pdu!;
    this.pdu = null;
    if (this.currentType === PduType.Abort) {
      // The peer aborted: the transport is closed, nothing more is sent (PS3.8 9.2, AA-3).
      this.close(null, null);
      return;
    }
    if (this.currentType === PduType.AssociateRq) {
      const problem = checkAssociateRq(pdu);
      if (problem) {
        this.close(problem.pdu, problem);
        return;
      }
      this.releaseSlot = this.claimSlot();
      if (this.releaseSlot === null) {
        this.close(associateReject(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.TemporaryCongestion), {
          code: ErrorCode.DICOM_TOO_MANY_ASSOCIATIONS,
          message: 'every association slot is taken; the peer was asked to try again later',
        });
        return;
      }
    }
    if (this.currentType === PduType.ReleaseRq) this.releasing = true;
    this.emit('data', pdu);
    // dcmjs-dimse answers within the emit: a rejected request has closed the connection.
    if (this.currentType === PduType.AssociateRq && !this.closing) {
      this.associated = true;
      if (this.artim) clearTimeout(this.artim);
      this.artim = null;
      this.armIdle();
    }
  }

  /** Stops reading while more than MAX_UNREAD_BYTES of responses wait for the peer; the socket's 'drain' starts it again. */
  private holdBackIfUnread(): void {
    if (this.paused || this.closing || this.socket.writableLength <= MAX_UNREAD_BYTES) return;
    this.paused = true;
    this.socket.pause();
  }

  private armIdle(): void {
    if (this.idle)
      this.idle.refresh(); // also starts it again when it fired and a read came before its judgement
    else {
      this.idle = setTimeout(() => {
        const readsWhenFired = this.reads;
        afterWaitingReads(() => {
          if (this.idle === null || this.closing || this.reads !== readsWhenFired) return;
          this.idle = null;
          // Not reading because the peer does not read either: its fault, said as such.
          this.close(
            abort(AbortSource.ServiceUser, AbortReason.NotSpecified),
            this.paused
              ? {
                  code: ErrorCode.DICOM_RESPONSES_UNREAD,
                  message: `the peer left ${this.socket.writableLength} bytes of responses unread for ${this.limits.idleMs} ms`,
                }
              : { code: ErrorCode.DICOM_ASSOCIATION_IDLE, message: `the peer sent nothing for ${this.limits.idleMs} ms` },
          );
        });
      }, this.limits.idleMs);
    }
  }

  /**
   * End the association: stop passing bytes on, give the slot back, report the refusal if any,
   * send the last PDU if any, and close (PS3.8 9.2, Sta13: the peer is to close the transport,
   * ARTIM bounds the wait).
   */
  private close(pdu: Buffer | null, refusal: GuardRefusal | null): void {
    if (this.closing) return;
    this.closing = true;
    this.clearTimers();
    this.freeSlot();
    if (refusal) this.report({ code: refusal.code, message: refusal.message });
    if (pdu === null || this.socket.destroyed) {
      this.socket.destroy();
      return;
    }
    this.socket.end(pdu);
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private freeSlot(): void {
    const release = this.releaseSlot;
    this.releaseSlot = null;
    release?.();
  }

  private clearTimers(): void {
    if (this.artim) clearTimeout(this.artim);
    if (this.idle) clearTimeout(this.idle);
    this.artim = null;
    this.idle = null;
  }
}
