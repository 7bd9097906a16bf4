/**
 * Hand-built upper layer PDUs (PS3.8 9.3) for the tests that must send what no DICOM toolkit
 * would: oversized, truncated, unknown or out-of-order PDUs.
 */
import { connect, type Socket } from 'node:net';

const VERIFICATION = '1.2.840.10008.1.1';
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** An item or sub-item (PS3.8 9.3.2): type, reserved, two-byte length, value. */
export function item(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function padAe(title: string): Buffer {
  return Buffer.from(title.padEnd(16, ' '), 'ascii');
}

export function pdu(type: number, body: Buffer, declaredLength = body.length): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(declaredLength, 2);
  return Buffer.concat([header, body]);
}

/** The items of associateRq(), to build a request that differs in one of them. */
export const rqItems = {
  applicationContext: () => item(0x10, Buffer.from(APPLICATION_CONTEXT)),
  /** A Presentation Context Item (PS3.8 9.3.2.2): ID, three reserved bytes, then its sub-items. */
  presentationContext: (id: number, abstract: string, subItems = [item(0x30, Buffer.from(abstract)), item(0x40, Buffer.from(EXPLICIT_LE))]) =>
    item(0x20, Buffer.concat([Buffer.from([id, 0, 0, 0]), ...subItems])),
  userInformation: (maxPduLength = 16384) => {
    const maxLength = Buffer.alloc(4);
    maxLength.writeUInt32BE(maxPduLength, 0);
    return item(0x50, Buffer.concat([item(0x51, maxLength), item(0x52, Buffer.from('1.2.3.4'))]));
  },
};

/** An A-ASSOCIATE-RQ of these variable items (PS3.8 9.3.2). */
export function associateRqOf(items: Buffer[], calledAe = 'LARMOR', callingAe = 'RAWSCU'): Buffer {
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(1, 0); // protocol version
  padAe(calledAe).copy(fixed, 4);
  padAe(callingAe).copy(fixed, 20);
  return pdu(0x01, Buffer.concat([fixed, ...items]));
}

/** A-ASSOCIATE-RQ proposing Verification and MR Image Storage in Explicit VR Little Endian (PS3.8 9.3.2). */
export function associateRq(calledAe = 'LARMOR', callingAe = 'RAWSCU', maxPduLength = 16384): Buffer {
  return associateRqOf(
    [
      rqItems.applicationContext(),
      rqItems.presentationContext(1, VERIFICATION),
      rqItems.presentationContext(3, MR_IMAGE_STORAGE),
      rqItems.userInformation(maxPduLength),
    ],
    calledAe,
    callingAe,
  );
}

/** Maximum Length Received (item 51H) of an A-ASSOCIATE-AC (PS3.8 D.1). */
export function maxLengthOf(ac: Buffer): number | null {
  let offset = 6 + 68;
  while (offset + 4 <= ac.length) {
    const type = ac.readUInt8(offset);
    const length = ac.readUInt16BE(offset + 2);
    if (type === 0x50) {
      let sub = offset + 4;
      while (sub + 4 <= offset + 4 + length) {
        if (ac.readUInt8(sub) === 0x51) return ac.readUInt32BE(sub + 4);
        sub += 4 + ac.readUInt16BE(sub + 2);
      }
    }
    offset += 4 + length;
  }
  return null;
}

/** A raw TCP peer that collects what the SCP answers. */
export class RawPeer {
  private received = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** `localAddress`: another loopback address (127.0.0.2) to be another host to the SCP. */
  static open(port: number, localAddress?: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the next complete PDU from the SCP (its type and whole bytes), or null when the SCP closed first. */
  async nextPdu(): Promise<{ type: number; bytes: Buffer } | null> {
    for (;;) {
      if (this.received.length >= 6) {
        const length = this.received.readUInt32BE(2) + 6;
        if (this.received.length >= length) {
          const bytes = this.received.subarray(0, length);
          this.received = this.received.subarray(length);
          return { type: bytes.readUInt8(0), bytes };
        }
      }
      if (this.socket.destroyed || this.socket.readableEnded) return null;
      await Promise.race([new Promise((resolve) => this.socket.once('data', resolve)), this.closed]);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One Implicit VR Little Endian command element (PS3.7 E.1). */
function commandElement(tag: number, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(tag, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}
const us = (n: number) => Buffer.from([n & 0xff, n >>> 8]);
const uidValue = (text: string) => Buffer.from(text.length % 2 ? `${text}\0` : text, 'latin1');

/** A command set (PS3.7 9.3): C-ECHO-RQ (0030H) or C-STORE-RQ (0001H), with its group length. */
export function commandSet(field: number, messageId: number, sopClassUid: string, sopInstanceUid?: string): Buffer {
  const body = Buffer.concat([
    commandElement(0x0002, uidValue(sopClassUid)),
    commandElement(0x0100, us(field)),
    commandElement(0x0110, us(messageId)),
    ...(field === 0x0001 ? [commandElement(0x0700, us(0))] : []),
    commandElement(0x0800, us(field === 0x0001 ? 0x0000 : 0x0101)),
    ...(sopInstanceUid !== undefined ? [commandElement(0x1000, uidValue(sopInstanceUid))] : []),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length, 0);
  return Buffer.concat([commandElement(0x0000, groupLength), body]);
}

export const echoRq = (messageId: number, contextId = 1): Buffer => pDataTf(contextId, 0x03, commandSet(0x0030, messageId, VERIFICATION));

/** A P-DATA-TF carrying one PDV (PS3.8 9.3.5); control 03H: last command fragment, 02H: last data fragment. */
export function pDataTf(contextId: number, control: number, value: Uint8Array): Buffer {
  const item = Buffer.alloc(6);
  item.writeUInt32BE(value.length + 2, 0);
  item.writeUInt8(contextId, 4);
  item.writeUInt8(control, 5);
  return pdu(0x04, Buffer.concat([item, value]));
}

/** Status (0000,0900) of the response command a P-DATA-TF from the SCP carries (one PDV, as the SCP writes them). */
export function statusOf(pData: Buffer): number | null {
  const command = pData.subarray(12);
  for (let offset = 0; offset + 8 <= command.length;) {
    const element = command.readUInt16LE(offset + 2);
    const length = command.readUInt32LE(offset + 4);
    if (element === 0x0900) return command.readUInt16LE(offset + 8);
    offset += 8 + length;
  }
  return null;
}

/** An A-ASSOCIATE-RJ's result, source and reason (PS3.8 9.3.4). */
export const rejection = (bytes: Buffer) => ({ result: bytes[7], source: bytes[8], reason: bytes[9] });

/** An A-ABORT's source and reason (PS3.8 9.3.8). */
export const abortOf = (bytes: Buffer) => ({ source: bytes[8], reason: bytes[9] });
