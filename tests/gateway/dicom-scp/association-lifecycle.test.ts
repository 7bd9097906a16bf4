/**
 * The association's life on a running SCP (PS3.8 9.2): what keeps it open, what ends it, and
 * that nothing is processed once the SCP has refused or released it. Raw PDUs where a peer
 * misbehaves, DCMTK's storescu where a well-behaved scanner is meant.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { readPart10, Tag } from '../../../native-bridge/dicom/index.js';
import { parseAllowList } from '../../../gateway/dicom-scp/index.js';
import { abortOf, associateRq, associateRqOf, commandSet, echoRq, item, pdu, pDataTf, rejection, rqItems, statusOf, type RawPeer } from './raw-pdus.js';
import { scpUnderTest } from './scp-under-test.js';
import { datasetBytesOf, readSample, samplePath, storescu } from './support.js';

const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const VERIFICATION = '1.2.840.10008.1.1';

const { seen, start, peer } = scpUnderTest();

afterEach(() => {
  vi.useRealTimers();
});

async function associated(port: number): Promise<RawPeer> {
  const p = await peer(port);
  p.send(associateRq());
  expect((await p.nextPdu())?.type).toBe(0x02);
  return p;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** PS3.8 9.3.4 (A-ASSOCIATE-RJ) and 9.3.8 (A-ABORT): bytes 8, 9 and 10 carry result/source/reason. */

/** MR_small.dcm's data set and SOP Instance UID, to store by hand. */
function mrSmall(): { dataset: Uint8Array; instance: string } {
  const part10 = readSample('MR_small.dcm');
  return { dataset: datasetBytesOf(part10), instance: readPart10(part10).dataset.string(Tag.SOPInstanceUID)! };
}

describe('an association that keeps sending', () => {
  // dcmjs-dimse, which negotiates the association, has a timer of its own that counts only the
  // PDUs handed to it: after the A-ASSOCIATE-AC, P-DATA-TF goes to the PDataReceiver instead.
  // Its clock is moved on past that timer's 60 s here (its check runs every second); the
  // SCP's own timers do not read the wall clock.
  it('is never timed out while it sends: only the idle timer ends an association, a silent one', async () => {
    const { port } = await start({ limits: { idleMs: 5000 } });
    const p = await associated(port);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    for (let i = 1; i <= 6; i++) {
      p.send(echoRq(i));
      const answer = await p.nextPdu();
      expect(answer?.type).toBe(0x04);
      expect(statusOf(answer!.bytes)).toBe(0x0000);
      await sleep(300); // over a second in all: dcmjs-dimse's check has run
    }
    expect(p.socket.destroyed).toBe(false);
    expect(seen.rejects).toEqual([]);
  });

  it('reports a connection dropped for a PDU dcmjs-dimse cannot read, with a code', async () => {
    const { port } = await start();
    const p = await peer(port);
    // Well formed to the guard (associate-rq-check.ts), but its Maximum Length sub-item is empty
    // and last: dcmjs-dimse reads its four bytes past the end of the PDU.
    p.send(
      associateRqOf([
        rqItems.applicationContext(),
        rqItems.presentationContext(1, VERIFICATION),
        item(0x50, Buffer.concat([item(0x52, Buffer.from('1.2.3.4')), item(0x51, Buffer.alloc(0))])),
      ]),
    );
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x07);
    await p.closed;
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_CONNECTION_DROPPED]);
  });
});

describe('a malformed A-ASSOCIATE-RQ (PS3.8 9.3.2)', () => {
  const { applicationContext, presentationContext, userInformation } = rqItems;
  const verification = presentationContext(1, VERIFICATION);
  /** The context's own Item-length says 64 bytes more than it holds: it runs past the PDU. */
  const overlong = (context: Buffer) => {
    const copy = Buffer.from(context);
    copy.writeUInt16BE(copy.readUInt16BE(2) + 64, 2);
    return copy;
  };
  it.each([
    ['an item that runs past the PDU', [applicationContext(), verification, userInformation(), overlong(presentationContext(3, MR_IMAGE_STORAGE))]],
    [
      'a sub-item that runs past its presentation context',
      [applicationContext(), presentationContext(1, VERIFICATION, [item(0x30, Buffer.from(VERIFICATION)).subarray(0, 10)]), userInformation()],
    ],
    ['no presentation context', [applicationContext(), userInformation()]],
    ['an even presentation context ID', [applicationContext(), presentationContext(2, VERIFICATION), userInformation()]],
    ['a presentation context ID used twice', [applicationContext(), verification, presentationContext(1, MR_IMAGE_STORAGE), userInformation()]],
    [
      'a presentation context with no transfer syntax',
      [applicationContext(), presentationContext(1, VERIFICATION, [item(0x30, Buffer.from(VERIFICATION))]), userInformation()],
    ],
    ['no application context', [verification, userInformation()]],
    ['no user information', [applicationContext(), verification]],
  ])('is aborted for %s, and holds no slot', async (_, items) => {
    const { port } = await start({ maxAssociations: 1 });
    const p = await peer(port);
    p.send(associateRqOf(items));
    const answer = await p.nextPdu();
    // dcmjs-dimse would have accepted some of these with no presentation context at all.
    expect(answer?.type).toBe(0x07);
    expect(abortOf(answer!.bytes)).toEqual({ source: 2, reason: 6 });
    await p.closed;
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_INVALID_PDU]);
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
  });

  it.each([
    ['calling', associateRq('LARMOR', ''), { result: 1, source: 1, reason: 3 }],
    ['called', associateRq('', 'RAWSCU'), { result: 1, source: 1, reason: 7 }],
  ])('is rejected for a %s AE title of spaces, even where any title is allowed', async (_, rq, reason) => {
    const { port } = await start({ allowList: parseAllowList('*@127.0.0.0/8'), acceptAnyCalledAeTitle: true });
    const p = await peer(port);
    p.send(rq);
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x03);
    expect(rejection(answer!.bytes)).toEqual(reason);
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_INVALID_PDU]);
  });
});

describe('a refused or released association', () => {
  it.each([
    ['a called AE title that is not ours', associateRq('WRONG'), {}, { result: 1, source: 1, reason: 7 }, ErrorCode.DICOM_CALLED_AE_UNKNOWN],
    [
      'a calling AE title not on the allow list',
      associateRq('LARMOR', 'INTRUDER'),
      { allowList: parseAllowList('STORESCU@127.0.0.0/8') },
      { result: 1, source: 1, reason: 3 },
      ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED,
    ],
  ] as const)('is closed after its A-ASSOCIATE-RJ for %s, and holds no slot meanwhile', async (_, rq, options, reason, code) => {
    const { port } = await start({ maxAssociations: 1, ...options });
    const refused = await peer(port);
    refused.send(rq);
    const answer = await refused.nextPdu();
    expect(answer?.type).toBe(0x03);
    expect(rejection(answer!.bytes)).toEqual(reason);
    expect(seen.rejects.map((r) => [r.code, r.callingAeTitle])).toEqual([[code, rq.subarray(26, 42).toString('latin1').trim()]]);
    // The refused peer stays connected; a scanner still gets the only slot.
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
    // Nothing more is answered on the refused connection (PS3.8 9.2, Sta13), and the SCP closes it.
    refused.send(associateRq());
    expect(await refused.nextPdu()).toBeNull();
    await refused.closed;
  });

  it('reports a called AE title that is not ours', async () => {
    const { port } = await start();
    const result = await storescu(port, [samplePath('MR_small.dcm')], [], 'NOTLARMOR');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/Called AE Title Not Recognized/i);
    expect(seen.rejects.map((r) => [r.code, r.callingAeTitle])).toEqual([[ErrorCode.DICOM_CALLED_AE_UNKNOWN, 'STORESCU']]);
  });

  it('processes nothing after its A-RELEASE-RP, closes the connection and frees the slot', async () => {
    const { port } = await start({ maxAssociations: 1 });
    const p = await associated(port);
    p.send(pdu(0x05, Buffer.alloc(4))); // A-RELEASE-RQ
    expect((await p.nextPdu())?.type).toBe(0x06);
    const { dataset, instance } = mrSmall();
    p.send(pDataTf(3, 0x03, commandSet(0x0001, 1, MR_IMAGE_STORAGE, instance)));
    p.send(pDataTf(3, 0x02, dataset));
    expect(await p.nextPdu()).toBeNull();
    await p.closed;
    expect(seen.images).toBe(0);
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
  });

  it('answers what was asked before the A-RELEASE-RQ first, then the A-RELEASE-RP', async () => {
    const { port } = await start();
    const p = await associated(port);
    p.send(Buffer.concat([echoRq(1), echoRq(2), pdu(0x05, Buffer.alloc(4))]));
    expect((await p.nextPdu())?.type).toBe(0x04);
    expect((await p.nextPdu())?.type).toBe(0x04);
    expect((await p.nextPdu())?.type).toBe(0x06);
    expect(await p.nextPdu()).toBeNull();
  });

  it('closes the connection on an A-ABORT from the peer and frees the slot', async () => {
    const { port } = await start({ maxAssociations: 1 });
    const p = await associated(port);
    p.send(pdu(0x07, Buffer.alloc(4)));
    await p.closed;
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
    expect(seen.rejects).toEqual([]);
  });

  it.each([
    ['a second A-ASSOCIATE-RQ', associateRq()],
    ['an A-ASSOCIATE-AC', pdu(0x02, Buffer.alloc(68))],
    ['an A-RELEASE-RP', pdu(0x06, Buffer.alloc(4))],
  ])('aborts %s on a live association as unexpected (PS3.8 9.2, Sta6)', async (_, bytes) => {
    const { port } = await start();
    const p = await associated(port);
    p.send(bytes);
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x07);
    expect(abortOf(answer!.bytes)).toEqual({ source: 2, reason: 2 });
    await p.closed;
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_UNEXPECTED_PDU]);
  });
});

describe('a peer that does not read its responses', () => {
  it('is not read any further once its unread responses pile up, and is aborted with a code when it still does not read', async () => {
    const { port } = await start({ limits: { idleMs: 500 } });
    const p = await associated(port);
    p.socket.pause(); // reads nothing from now on
    const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => echoRq(i + 1)));
    const cap = 32 * 1024 * 1024; // a few times what the network holds before the SCP's reading stops
    let sent = 0;
    while (!p.socket.destroyed && sent < cap) {
      sent += batch.length;
      if (!p.socket.write(batch)) await Promise.race([new Promise((resolve) => p.socket.once('drain', resolve)), p.closed]);
    }
    await p.closed;
    expect(sent).toBeLessThan(cap); // the SCP stopped reading: the peer's sending stalled
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_RESPONSES_UNREAD]);
  });
});

describe('a C-STORE on a presentation context negotiated for another SOP Class', () => {
  it('is refused with 0122H (SOP Class not supported) and a code', async () => {
    const { port } = await start();
    const p = await associated(port);
    const { dataset, instance } = mrSmall();
    // Context 1 was accepted for Verification only (raw-pdus.ts associateRq).
    p.send(pDataTf(1, 0x03, commandSet(0x0001, 1, MR_IMAGE_STORAGE, instance)));
    p.send(pDataTf(1, 0x02, dataset));
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x04);
    expect(statusOf(answer!.bytes)).toBe(0x0122);
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_SOP_CLASS_NOT_NEGOTIATED]);
    expect(seen.images).toBe(0);
  });
});
