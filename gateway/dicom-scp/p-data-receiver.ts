/**
 * The storage port's DIMSE traffic after association: P-DATA-TF PDUs (PS3.8 9.3.5) split into
 * PDVs, messages reassembled from their command and data fragments (PS3.8 Annex E), and each
 * C-STORE-RQ / C-ECHO-RQ answered with its response.
 *
 * Why our own and not dcmjs-dimse's: it re-joins every fragment into a growing buffer and
 * builds each response through dcmjs's general data set writer; for a stream of images that was
 * most of the receiver's time. Here PDUs are read as they stream off the socket (the guard has
 * checked their length at the header): a C-STORE's data fragments are copied, as each piece
 * arrives, straight into the Part 10 file being built behind its File Meta Information
 * (file-meta.ts), so each byte is copied once and nothing is left to copy after the last one.
 * Where the guard reads the socket itself (readTarget), the kernel writes the fragments into
 * the file directly, and no byte is copied in this process at all.
 *
 * Any breach of the message structure (a PDV on a presentation context that was not accepted,
 * data before its command, a command set that cannot be read, a PDV item that does not fit its
 * PDU) aborts the association.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { CommandField, MalformedCommand, STATUS_UNRECOGNIZED_OPERATION, readCommand, writeResponse, type DimseCommand } from './dimse-commands.js';
import { Part10Builder, type BufferSource } from './file-meta.js';
import type { PDataStream } from './pdu-guard.js';
import { PDU_HEADER_LENGTH, PduType } from './upper-layer-pdus.js';

export interface AcceptedContext {
  abstractSyntaxUid: string;
  transferSyntaxUid: string;
}

export interface StoreRequest {
  command: DimseCommand;
  /** Abstract syntax (SOP Class) of the presentation context the request came on. */
  abstractSyntaxUid: string;
  transferSyntaxUid: string;
  /** The Part 10 file: the peer's part10Header, then the data set as it arrived; null over the size limit. */
  part10: Uint8Array | null;
  /** Bytes of data set received, also past the limit. */
  bytes: number;
  overflow: boolean;
}

export interface StoreOutcome {
  status: number;
  errorComment?: string;
}

export interface PDataPeer {
  /** Presentation contexts accepted in the A-ASSOCIATE-AC, by id, with their transfer syntax. */
  contexts: ReadonlyMap<number, AcceptedContext>;
  maxObjectBytes: number;
  /** Where the Part 10 files' room comes from (released buffers are used again: object-buffers.ts). */
  buffers?: BufferSource;
  /** What goes before a C-STORE's data set in its Part 10 file (preamble, File Meta Information). */
  part10Header(command: DimseCommand, transferSyntaxUid: string): Uint8Array;
  store(request: StoreRequest): Promise<StoreOutcome>;
  /** Write a PDU to the peer. */
  send(pdu: Uint8Array): void;
  /** Abort the association (A-ABORT) with a coded reason. */
  abort(code: ErrorCode, message: string): void;
}

/** A command set is a few hundred bytes; this bounds what a peer can make us hold before one parses. */
const MAX_COMMAND_BYTES = 64 * 1024;
/** PDV item header: Item Length (4), Presentation Context ID (1), Message Control Header (1) (PS3.8 9.3.5.1). */
const PDV_HEADER_LENGTH = 6;
/** Room made for the first data set of an association, before any size is known. */
const FIRST_DATA_SET_GUESS = 64 * 1024;

interface Message {
  contextId: number;
  commandFragments: Uint8Array[];
  commandBytes: number;
  command: DimseCommand | null;
  /** The C-STORE's Part 10 file being built; null for other commands, and once over the size limit. */
  file: Part10Builder | null;
  datasetBytes: number;
  overflow: boolean;
}

/** The PDV whose value is streaming in. */
interface Fragment {
  context: AcceptedContext;
  isCommand: boolean;
  last: boolean;
  remaining: number;
}

export class PDataReceiver implements PDataStream {
  private message: Message | null = null;
  private failed = false;
  /** Responses go out in the order the requests completed, even when storing one takes a while. */
  private answering: Promise<void> = Promise.resolve();
  /** Bytes of the current PDU's body not yet seen. */
  private pduRemaining = 0;
  private readonly pdvHeader = new Uint8Array(PDV_HEADER_LENGTH);
  private pdvHeaderBytes = 0;
  private fragment: Fragment | null = null;
  /** The previous data set's size: room made for the next one (a series' images are alike). */
  private lastDataSetBytes = FIRST_DATA_SET_GUESS;

  constructor(private readonly peer: PDataPeer) {}

  /** One whole P-DATA-TF PDU, header included. */
  receive(pdu: Uint8Array): void {
    this.start(pdu.length - PDU_HEADER_LENGTH);
    this.bytes(pdu.subarray(PDU_HEADER_LENGTH));
    this.end();
  }

  /** A P-DATA-TF PDU with `length` bytes after its header begins. */
  start(length: number): void {
    this.pduRemaining = length;
    this.pdvHeaderBytes = 0;
    this.fragment = null;
  }

  /** The next bytes of the PDU's body (a view valid during this call only: whatever is kept is copied). */
  bytes(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && !this.failed) {
      const fragment = this.fragment;
      if (fragment === null) {
        if (this.pdvHeaderBytes === 0 && this.pduRemaining < PDV_HEADER_LENGTH) return this.fail(`a PDV item header runs past the end of its P-DATA-TF`);
        const take = Math.min(PDV_HEADER_LENGTH - this.pdvHeaderBytes, chunk.length - pos);
        this.pdvHeader.set(chunk.subarray(pos, pos + take), this.pdvHeaderBytes);
        this.pdvHeaderBytes += take;
        pos += take;
        if (this.pdvHeaderBytes < PDV_HEADER_LENGTH) return;
        this.pdvHeaderBytes = 0;
        const header = this.pdvHeader;
        const itemLength = ((header[0]! << 24) >>> 0) + (header[1]! << 16) + (header[2]! << 8) + header[3]!;
        if (itemLength < 2 || 4 + itemLength > this.pduRemaining) return this.fail(`a PDV item declares ${itemLength} bytes, which does not fit its P-DATA-TF`);
        this.pduRemaining -= 4 + itemLength;
        const control = header[5]!;
        this.beginFragment(header[4]!, (control & 0x01) !== 0, (control & 0x02) !== 0, itemLength - 2);
        continue;
      }
      const take = Math.min(fragment.remaining, chunk.length - pos);
      this.fragmentBytes(fragment, chunk.subarray(pos, pos + take));
      pos += take;
      fragment.remaining -= take;
      if (fragment.remaining === 0 && !this.failed) this.endFragment(fragment);
    }
  }

  /**
   * Where the next at most `limit` bytes of the body should be read to: room in the object being
   * built, when a data fragment's value comes next (read there, its bytes are never copied), else
   * how many bytes complete what comes next (a PDV item header, a command fragment).
   */
  readTarget(limit: number): Uint8Array | number {
    const fragment = this.fragment;
    if (fragment === null) return Math.min(PDV_HEADER_LENGTH - this.pdvHeaderBytes, limit);
    const file = fragment.isCommand ? null : this.message?.file;
    return file ? file.reserve(Math.min(fragment.remaining, limit)) : Math.min(fragment.remaining, limit);
  }

  /** Resolves once every request received so far is answered (or will never be: the association failed). */
  settled(): Promise<void> {
    return this.answering.catch(() => undefined);
  }

  /** The PDU's body is complete (the guard passed on exactly the length of its header). */
  end(): void {
    if (this.failed) return;
    if (this.pdvHeaderBytes !== 0 || this.fragment !== null || this.pduRemaining !== 0) this.fail(`a PDV item runs past the end of its P-DATA-TF`);
  }

  private beginFragment(contextId: number, isCommand: boolean, last: boolean, valueLength: number): void {
    const context = this.peer.contexts.get(contextId);
    if (context === undefined) return this.fail(`a PDV on presentation context ${contextId}, which was not accepted`);
    let message = this.message;
    if (message === null) {
      if (!isCommand) return this.fail(`a data fragment on presentation context ${contextId} before any command`);
      message = { contextId, commandFragments: [], commandBytes: 0, command: null, file: null, datasetBytes: 0, overflow: false };
      this.message = message;
    }
    if (message.contextId !== contextId) return this.fail(`a fragment on presentation context ${contextId} inside a message on context ${message.contextId}`);
    if (isCommand) {
      if (message.command !== null) return this.fail('a second command before the data set of the first one');
      message.commandBytes += valueLength;
      if (message.commandBytes > MAX_COMMAND_BYTES) return this.fail(`a command set over ${MAX_COMMAND_BYTES} bytes`);
    } else {
      if (message.command === null || !message.command.hasDataSet) return this.fail('a data fragment for a command that has no data set');
      message.datasetBytes += valueLength;
      if (!message.overflow && message.datasetBytes > this.peer.maxObjectBytes) {
        // Counted on, never held: the peer gets a refusal once the whole object has passed.
        message.overflow = true;
        message.file?.abandon();
        message.file = null;
      }
    }
    const fragment: Fragment = { context, isCommand, last, remaining: valueLength };
    if (valueLength === 0) this.endFragment(fragment);
    else this.fragment = fragment;
  }

  private fragmentBytes(fragment: Fragment, bytes: Uint8Array): void {
    const message = this.message!;
    // Command bytes are copied (a few hundred); data goes into the file, or nowhere when refused anyway.
    // Copied with the Uint8Array constructor: `bytes` may be a Buffer (the guard's scratch, read
    // into again next), whose slice() is a view, not a copy.
    if (fragment.isCommand) message.commandFragments.push(new Uint8Array(bytes));
    else message.file?.append(bytes);
  }

  private endFragment(fragment: Fragment): void {
    this.fragment = null;
    const message = this.message!;
    if (!fragment.last) return;
    if (!fragment.isCommand) return this.complete(message, fragment.context);
    try {
      message.command = readCommand(message.commandFragments.length === 1 ? message.commandFragments[0]! : Buffer.concat(message.commandFragments));
    } catch (err) {
      if (err instanceof MalformedCommand) return this.fail(`unreadable command set: ${err.message}`);
      throw err;
    }
    message.commandFragments = [];
    if (!message.command.hasDataSet) return this.complete(message, fragment.context);
    if (message.command.commandField === CommandField.CStoreRq) {
      const header = this.peer.part10Header(message.command, fragment.context.transferSyntaxUid);
      message.file = new Part10Builder(
        header,
        Math.min(this.lastDataSetBytes, this.peer.maxObjectBytes),
        header.length + this.peer.maxObjectBytes,
        this.peer.buffers,
      );
    }
  }

  private complete(message: Message, context: AcceptedContext): void {
    this.message = null;
    const command = message.command!;
    if (message.file !== null) this.lastDataSetBytes = message.datasetBytes;
    const request: StoreRequest = {
      command,
      abstractSyntaxUid: context.abstractSyntaxUid,
      transferSyntaxUid: context.transferSyntaxUid,
      part10: message.file?.finish() ?? null,
      bytes: message.datasetBytes,
      overflow: message.overflow,
    };
    this.answering = this.answering.then(async () => {
      const outcome = await this.outcomeOf(request);
      if (this.failed) return;
      this.respond(message.contextId, {
        commandField: command.commandField | 0x8000,
        respondingTo: command.messageId,
        status: outcome.status,
        affectedSopClassUid: command.affectedSopClassUid,
        ...(command.commandField === CommandField.CStoreRq ? { affectedSopInstanceUid: command.affectedSopInstanceUid } : {}),
        ...(outcome.errorComment ? { errorComment: outcome.errorComment } : {}),
      });
    });
  }

  private async outcomeOf(request: StoreRequest): Promise<StoreOutcome> {
    switch (request.command.commandField) {
      case CommandField.CStoreRq:
        return this.peer.store(request);
      case CommandField.CEchoRq:
        return { status: 0x0000 }; // Verification (PS3.4 A.4): success is the whole answer
      default:
        return { status: STATUS_UNRECOGNIZED_OPERATION };
    }
  }

  private respond(contextId: number, response: Parameters<typeof writeResponse>[0]): void {
    const command = writeResponse(response);
    // One PDU, one PDV: command, last fragment (PS3.8 E.2 message control header 03H).
    const pdu = Buffer.allocUnsafe(PDU_HEADER_LENGTH + 6 + command.length);
    pdu[0] = PduType.PDataTf;
    pdu[1] = 0;
    pdu.writeUInt32BE(6 + command.length, 2);
    pdu.writeUInt32BE(2 + command.length, 6);
    pdu[10] = contextId;
    pdu[11] = 0x03;
    pdu.set(command, 12);
    this.peer.send(pdu);
  }

  private fail(message: string): void {
    this.failed = true;
    this.message?.file?.abandon();
    this.message = null;
    this.fragment = null;
    this.peer.abort(ErrorCode.DICOM_UNEXPECTED_PDU, message);
  }
}
