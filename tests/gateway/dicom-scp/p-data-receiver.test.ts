import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { CommandField, readCommand, writeResponse } from '../../../gateway/dicom-scp/dimse-commands.js';
import { PDataReceiver, type StoreRequest } from '../../../gateway/dicom-scp/p-data-receiver.js';

const MR = '1.2.840.10008.5.1.4.1.1.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** One Implicit VR Little Endian command element (PS3.7 E.1). */
function element(tag: number, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0x0000, 0);
  header.writeUInt16LE(tag, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}
const us = (n: number) => Buffer.from([n & 0xff, n >>> 8]);
const uid = (text: string) => Buffer.from(text.length % 2 ? `${text}\0` : text, 'latin1');

function command(field: number, messageId: number, withDataSet: boolean, instance = '2.25.42'): Buffer {
  return Buffer.concat([
    element(0x0002, uid(MR)),
    element(0x0100, us(field)),
    element(0x0110, us(messageId)),
    element(0x0800, us(withDataSet ? 0x0000 : 0x0101)),
    element(0x1000, uid(instance)),
  ]);
}

/** A P-DATA-TF with the given PDVs (PS3.8 9.3.5). */
function pData(...pdvs: { context: number; command: boolean; last: boolean; bytes: Buffer }[]): Buffer {
  const items = pdvs.map((p) => {
    const head = Buffer.alloc(6);
    head.writeUInt32BE(p.bytes.length + 2, 0);
    head[4] = p.context;
    head[5] = (p.command ? 1 : 0) | (p.last ? 2 : 0);
    return Buffer.concat([head, p.bytes]);
  });
  const body = Buffer.concat(items);
  const head = Buffer.alloc(6);
  head[0] = 0x04;
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, body]);
}

function receiver(maxObjectBytes = 1 << 20) {
  const sent: Buffer[] = [];
  const aborts: { code: string; message: string }[] = [];
  const stored: StoreRequest[] = [];
  const r = new PDataReceiver({
    contexts: new Map([[3, { abstractSyntaxUid: MR, transferSyntaxUid: EXPLICIT_LE }]]),
    maxObjectBytes,
    part10Header: () => Buffer.from('HEADER:'),
    store: async (request) => (stored.push(request), { status: 0 }),
    send: (pdu) => sent.push(Buffer.from(pdu)),
    abort: (code, message) => aborts.push({ code, message }),
  });
  return { r, sent, aborts, stored };
}

/** The command set of the response PDU (one PDV, after the 6+6 header bytes). */
function responseFields(pdu: Buffer): { field: number; respondingTo: number; status: number } {
  const fields = new Map<number, Buffer>();
  for (let pos = 12; pos < pdu.length;) {
    const tag = pdu.readUInt16LE(pos + 2);
    const length = pdu.readUInt32LE(pos + 4);
    fields.set(tag, pdu.subarray(pos + 8, pos + 8 + length));
    pos += 8 + length;
  }
  return { field: fields.get(0x0100)!.readUInt16LE(0), respondingTo: fields.get(0x0120)!.readUInt16LE(0), status: fields.get(0x0900)!.readUInt16LE(0) };
}

describe('the P-DATA receiver of the storage port', () => {
  it('reassembles a data set sent over several PDUs and answers its C-STORE once, with the request message id', async () => {
    const { r, sent, stored } = receiver();
    r.receive(
      pData(
        { context: 3, command: true, last: true, bytes: command(CommandField.CStoreRq, 7, true) },
        { context: 3, command: false, last: false, bytes: Buffer.from('abc') },
      ),
    );
    r.receive(pData({ context: 3, command: false, last: true, bytes: Buffer.from('def') }));
    await expect.poll(() => sent.length).toBe(1);
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.part10!).toString()).toBe('HEADER:abcdef');
    expect(stored[0]).toMatchObject({ transferSyntaxUid: EXPLICIT_LE, command: { affectedSopClassUid: MR, affectedSopInstanceUid: '2.25.42' } });
    expect(responseFields(sent[0]!)).toEqual({ field: CommandField.CStoreRsp, respondingTo: 7, status: 0 });
  });

  it('reassembles a PDU that streams in one byte at a time, PDV headers split across pieces', async () => {
    const { r, sent, stored } = receiver();
    const pdu = pData(
      { context: 3, command: true, last: true, bytes: command(CommandField.CStoreRq, 8, true) },
      { context: 3, command: false, last: false, bytes: Buffer.from('abc') },
      { context: 3, command: false, last: true, bytes: Buffer.from('def') },
    );
    r.start(pdu.length - 6);
    for (let i = 6; i < pdu.length; i++) r.bytes(pdu.subarray(i, i + 1));
    r.end();
    await expect.poll(() => sent.length).toBe(1);
    expect(Buffer.from(stored[0]!.part10!).toString()).toBe('HEADER:abcdef');
    expect(responseFields(sent[0]!)).toEqual({ field: CommandField.CStoreRsp, respondingTo: 8, status: 0 });
  });

  it('answers C-ECHO without a data set', async () => {
    const { r, sent } = receiver();
    r.receive(pData({ context: 3, command: true, last: true, bytes: command(CommandField.CEchoRq, 9, false) }));
    await expect.poll(() => sent.length).toBe(1);
    expect(responseFields(sent[0]!)).toEqual({ field: CommandField.CEchoRsp, respondingTo: 9, status: 0 });
  });

  it('counts an object over the size limit without holding it, and hands it on marked as overflowing', async () => {
    const { r, sent, stored } = receiver(4);
    r.receive(
      pData(
        { context: 3, command: true, last: true, bytes: command(CommandField.CStoreRq, 1, true) },
        { context: 3, command: false, last: true, bytes: Buffer.alloc(10) },
      ),
    );
    await expect.poll(() => sent.length).toBe(1);
    expect(stored[0]).toMatchObject({ overflow: true, bytes: 10, part10: null });
  });

  it.each([
    ['a PDV on a presentation context that was not accepted', pData({ context: 5, command: true, last: true, bytes: command(CommandField.CStoreRq, 1, true) })],
    ['data before any command', pData({ context: 3, command: false, last: true, bytes: Buffer.from('x') })],
    ['a command set that cannot be read', pData({ context: 3, command: true, last: true, bytes: Buffer.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0x7f]) })],
    ['a PDV item longer than its PDU', Buffer.from([0x04, 0, 0, 0, 0, 6, 0, 0, 0x10, 0, 3, 3])],
  ])('aborts the association for %s', (_name, pdu) => {
    const { r, aborts, sent } = receiver();
    r.receive(pdu);
    expect(aborts).toEqual([expect.objectContaining({ code: ErrorCode.DICOM_UNEXPECTED_PDU })]);
    expect(sent).toEqual([]);
  });
});

describe('DIMSE command sets', () => {
  it('reads the fields of a C-STORE-RQ, UIDs without their padding', () => {
    expect(readCommand(command(CommandField.CStoreRq, 3, true, '2.25.123'))).toEqual({
      commandField: CommandField.CStoreRq,
      messageId: 3,
      hasDataSet: true,
      affectedSopClassUid: MR,
      affectedSopInstanceUid: '2.25.123',
    });
  });

  it('writes a response whose group length counts the elements after it', () => {
    const bytes = Buffer.from(
      writeResponse({
        commandField: CommandField.CStoreRsp,
        respondingTo: 3,
        status: 0xa700,
        affectedSopClassUid: MR,
        affectedSopInstanceUid: '2.25.1',
        errorComment: 'LARMOR_E_DICOM_TOO_LARGE',
      }),
    );
    expect(bytes.readUInt32LE(8)).toBe(bytes.length - 12);
    expect(bytes.length % 2).toBe(0);
  });
});
