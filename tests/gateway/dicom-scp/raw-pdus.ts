/**
 * Hand-built upper layer PDUs (PS3.8 9.3) for the tests that must send what no DICOM toolkit
 * would: oversized, truncated, unknown or out-of-order PDUs.
 */
import { connect, type Socket } from 'node:net';

const VERIFICATION = '1.2.840.10008.1.1';
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

function item(type: number, body: Buffer): Buffer {
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

/** A-ASSOCIATE-RQ proposing Verification and MR Image Storage in Explicit VR Little Endian (PS3.8 9.3.2). */
export function associateRq(calledAe = 'LARMOR', callingAe = 'RAWSCU', maxPduLength = 16384): Buffer {
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(1, 0); // protocol version
  padAe(calledAe).copy(fixed, 4);
  padAe(callingAe).copy(fixed, 20);
  const context = (id: number, abstract: string) =>
    item(0x20, Buffer.concat([Buffer.from([id, 0, 0, 0]), item(0x30, Buffer.from(abstract)), item(0x40, Buffer.from(EXPLICIT_LE))]));
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(maxPduLength, 0);
  const userInfo = item(0x50, Buffer.concat([item(0x51, maxLength), item(0x52, Buffer.from('1.2.3.4'))]));
  return pdu(0x01, Buffer.concat([fixed, item(0x10, Buffer.from(APPLICATION_CONTEXT)), context(1, VERIFICATION), context(3, MR_IMAGE_STORAGE), userInfo]));
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
