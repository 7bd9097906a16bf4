/**
 * The storage port's DIMSE traffic after association: P-DATA-TF PDUs (PS3.8 9.3.5) split into
 * PDVs, messages reassembled from their command and data fragments (PS3.8 Annex E), and each
 * C-STORE-RQ / C-ECHO-RQ answered with its response.
 *
 * Why our own and not dcmjs-dimse's: it re-joins every fragment into a growing buffer and
 * builds each response through dcmjs's general data set writer; for a stream of images that was
 * most of the receiver's time. Here a data set stays the fragments it arrived in (views of the
 * PDUs the guard already length-checked) until it is wrapped as Part 10, in one copy.
 *
 * Any breach of the message structure (a PDV on a presentation context that was not accepted,
 * data before its command, a command set that cannot be read) aborts the association.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { CommandField, MalformedCommand, STATUS_UNRECOGNIZED_OPERATION, readCommand, writeResponse, type DimseCommand } from './dimse-commands.js';
import { PDU_HEADER_LENGTH, PduType } from './upper-layer-pdus.js';

export interface AcceptedContext {
  abstractSyntaxUid: string;
  transferSyntaxUid: string;
}

export interface StoreRequest {
  command: DimseCommand;
  transferSyntaxUid: string;
  /** The data set as its fragments arrived; empty when it went over the size limit. */
  dataset: readonly Uint8Array[];
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
  store(request: StoreRequest): Promise<StoreOutcome>;
  /** Write a PDU to the peer. */
  send(pdu: Uint8Array): void;
  /** Abort the association (A-ABORT) with a coded reason. */
  abort(code: ErrorCode, message: string): void;
}

/** A command set is a few hundred bytes; this bounds what a peer can make us hold before one parses. */
const MAX_COMMAND_BYTES = 64 * 1024;

interface Message {
  contextId: number;
  commandFragments: Uint8Array[];
  commandBytes: number;
  command: DimseCommand | null;
  dataset: Uint8Array[];
  datasetBytes: number;
  overflow: boolean;
}

export class PDataReceiver {
  private message: Message | null = null;
  private failed = false;
  /** Responses go out in the order the requests completed, even when storing one takes a while. */
  private answering: Promise<void> = Promise.resolve();

  constructor(private readonly peer: PDataPeer) {}

  /** One whole P-DATA-TF PDU, header included. */
  receive(pdu: Uint8Array): void {
    if (this.failed) return;
    const view = new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);
    let pos = PDU_HEADER_LENGTH;
    while (pos < pdu.length) {
      if (pos + 6 > pdu.length) return this.fail(`a PDV item header runs past the end of its P-DATA-TF`);
      const itemLength = view.getUint32(pos);
      if (itemLength < 2 || pos + 4 + itemLength > pdu.length) return this.fail(`a PDV item declares ${itemLength} bytes, which does not fit its P-DATA-TF`);
      const contextId = pdu[pos + 4]!;
      const control = pdu[pos + 5]!;
      this.fragment(contextId, (control & 0x01) !== 0, (control & 0x02) !== 0, pdu.subarray(pos + 6, pos + 4 + itemLength));
      if (this.failed) return;
      pos += 4 + itemLength;
    }
  }

  private fragment(contextId: number, isCommand: boolean, last: boolean, bytes: Uint8Array): void {
    const context = this.peer.contexts.get(contextId);
    if (context === undefined) return this.fail(`a PDV on presentation context ${contextId}, which was not accepted`);
    let message = this.message;
    if (message === null) {
      if (!isCommand) return this.fail(`a data fragment on presentation context ${contextId} before any command`);
      message = { contextId, commandFragments: [], commandBytes: 0, command: null, dataset: [], datasetBytes: 0, overflow: false };
      this.message = message;
    }
    if (message.contextId !== contextId) return this.fail(`a fragment on presentation context ${contextId} inside a message on context ${message.contextId}`);
    if (isCommand) {
      if (message.command !== null) return this.fail('a second command before the data set of the first one');
      message.commandBytes += bytes.length;
      if (message.commandBytes > MAX_COMMAND_BYTES) return this.fail(`a command set over ${MAX_COMMAND_BYTES} bytes`);
      message.commandFragments.push(bytes);
      if (!last) return;
      try {
        message.command = readCommand(message.commandFragments.length === 1 ? message.commandFragments[0]! : Buffer.concat(message.commandFragments));
      } catch (err) {
        if (err instanceof MalformedCommand) return this.fail(`unreadable command set: ${err.message}`);
        throw err;
      }
      message.commandFragments = [];
      if (!message.command.hasDataSet) this.complete(message, context);
      return;
    }
    if (message.command === null || !message.command.hasDataSet) return this.fail('a data fragment for a command that has no data set');
    message.datasetBytes += bytes.length;
    if (!message.overflow && message.datasetBytes > this.peer.maxObjectBytes) {
      // Counted on, never held: the peer gets a refusal once the whole object has passed.
      message.overflow = true;
      message.dataset = [];
    }
    if (!message.overflow) message.dataset.push(bytes);
    if (last) this.complete(message, context);
  }

  private complete(message: Message, context: AcceptedContext): void {
    this.message = null;
    const command = message.command!;
    const request: StoreRequest = {
      command,
      transferSyntaxUid: context.transferSyntaxUid,
      dataset: message.dataset,
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
    this.message = null;
    this.peer.abort(ErrorCode.DICOM_UNEXPECTED_PDU, message);
  }
}
