/**
 * The DICOM port's own defences, against a running SCP: raw PDUs where no toolkit would send
 * them, DCMTK's storescu where a well-behaved scanner is meant.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { parseAllowList } from '../../../gateway/dicom-scp/index.js';
import { abortOf, associateRq, maxLengthOf, pdu, rejection, type RawPeer } from './raw-pdus.js';
import { scpUnderTest } from './scp-under-test.js';
import { samplePath, storescu } from './support.js';

const { seen, start, peer } = scpUnderTest();

/** PS3.8 9.3.4 (A-ASSOCIATE-RJ) and 9.3.8 (A-ABORT): bytes 8, 9 and 10 carry result/source/reason. */

/** Keeps this process (the SCP's event loop) from running for `ms`, as a long pause would. */
function holdUpProcess(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('DICOM port limits', () => {
  it('advertises its Maximum Length in the A-ASSOCIATE-AC and aborts a P-DATA-TF longer than that', async () => {
    const { port } = await start({ limits: { maxPduLength: 32768 } });
    const p = await peer(port);
    p.send(associateRq('LARMOR', 'RAWSCU', 0)); // 0: the peer itself has no limit (PS3.8 D.1)
    const ac = await p.nextPdu();
    expect(ac?.type).toBe(0x02);
    expect(maxLengthOf(ac!.bytes)).toBe(32768);
    p.send(pdu(0x04, Buffer.alloc(16), 32769));
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x07);
    expect(abortOf(answer!.bytes)).toEqual({ source: 2, reason: 6 });
    await p.closed;
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_PDU_TOO_LARGE]);
  });

  it('rejects an unfinished 48 MiB A-ASSOCIATE-RQ at its header, before the body arrives', async () => {
    const { port } = await start();
    const p = await peer(port);
    const before = process.memoryUsage().arrayBuffers;
    p.send(pdu(0x01, Buffer.alloc(4096), 48 * 1024 * 1024));
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x03);
    expect(rejection(answer!.bytes)).toEqual({ result: 1, source: 3, reason: 2 }); // permanent, local limit exceeded
    await p.closed;
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_PDU_TOO_LARGE]);
    // Nothing of the declared size was ever set aside for it.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('aborts an unknown PDU type as unrecognized', async () => {
    const { port } = await start();
    const p = await peer(port);
    p.send(pdu(0x09, Buffer.alloc(4)));
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x07);
    expect(abortOf(answer!.bytes)).toEqual({ source: 2, reason: 1 });
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_UNKNOWN_PDU]);
  });

  it('aborts data sent before any A-ASSOCIATE-RQ as unexpected', async () => {
    const { port } = await start();
    const p = await peer(port);
    p.send(pdu(0x04, Buffer.alloc(12)));
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x07);
    expect(abortOf(answer!.bytes)).toEqual({ source: 2, reason: 2 });
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_UNEXPECTED_PDU]);
  });

  it('closes a connection whose A-ASSOCIATE-RQ is not complete when ARTIM expires', async () => {
    const { port } = await start({ limits: { artimMs: 300 } });
    const p = await peer(port);
    p.send(associateRq().subarray(0, 40));
    expect(await p.nextPdu()).toBeNull();
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_ARTIM_EXPIRED]);
  });

  it('aborts an association that goes silent for the idle timeout', async () => {
    const { port } = await start({ limits: { idleMs: 300 } });
    const p = await peer(port);
    p.send(associateRq());
    expect((await p.nextPdu())?.type).toBe(0x02);
    const answer = await p.nextPdu();
    expect(answer?.type).toBe(0x07);
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_ASSOCIATION_IDLE]);
  });

  // A process can be held up (a long collection, a busy host) while a peer's bytes wait in the
  // kernel. When it runs again, Node runs expired timers before it reads: a timer that judged
  // then would take a punctual peer for a silent one.
  it('does not expire ARTIM on a request that arrived while the process was held up', async () => {
    const { port } = await start({ limits: { artimMs: 200 } });
    const p = await peer(port);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the SCP has accepted: ARTIM runs
    await new Promise((resolve) => setImmediate(resolve)); // out of the timers' phase, as a socket's read would be
    p.send(associateRq());
    holdUpProcess(300);
    expect((await p.nextPdu())?.type).toBe(0x02);
    expect(seen.rejects).toEqual([]);
  });

  it('does not take an association for idle when its next PDU arrived while the process was held up', async () => {
    const { port } = await start({ limits: { idleMs: 200 } });
    const p = await peer(port);
    p.send(associateRq());
    expect((await p.nextPdu())?.type).toBe(0x02);
    p.send(pdu(0x05, Buffer.alloc(4))); // A-RELEASE-RQ
    holdUpProcess(300);
    expect((await p.nextPdu())?.type).toBe(0x06); // A-RELEASE-RP, not A-ABORT
    expect(seen.rejects).toEqual([]);
  });

  it('tells the association over the limit to try again later, and serves again once a slot is free', async () => {
    const { port } = await start({ maxAssociations: 2 });
    const open = [await peer(port), await peer(port)];
    for (const p of open) {
      p.send(associateRq());
      expect((await p.nextPdu())?.type).toBe(0x02);
    }
    const third = await peer(port);
    third.send(associateRq());
    const answer = await third.nextPdu();
    expect(answer?.type).toBe(0x03);
    expect(rejection(answer!.bytes)).toEqual({ result: 2, source: 3, reason: 1 }); // transient, temporary congestion
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_TOO_MANY_ASSOCIATIONS]);

    open[0]!.close();
    await open[0]!.closed;
    await expect.poll(async () => (await storescu(port, [samplePath('MR_small.dcm')])).ok).toBe(true);
    expect(seen.images).toBeGreaterThanOrEqual(1);
  });

  it('gives an association slot on a complete A-ASSOCIATE-RQ, not on connecting: silent connections do not keep a scanner out', async () => {
    const { port } = await start({ maxAssociations: 2 });
    const silent = [await peer(port), await peer(port), await peer(port)];
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
    for (const p of silent) p.close();
  });

  it('makes room for a new connection by closing the oldest that has not asked for an association, so a flood cannot keep a scanner out', async () => {
    const { port } = await start({ maxAssociations: 2, maxConnections: 3, maxConnectionsPerAddress: 3 });
    // Connected and silent, as a flood or a port scan leaves them (each held until ARTIM at most).
    const held = [await peer(port), await peer(port), await peer(port)];
    const next = await peer(port);
    await held[0]!.closed;
    expect(await held[0]!.nextPdu()).toBeNull(); // not a byte answered
    expect(seen.rejects.map((r) => [r.code, r.message])).toEqual([
      [
        ErrorCode.TOO_MANY_CONNECTIONS,
        'closed a connection from 127.0.0.1 that had not asked for an association, to make room for one from 127.0.0.1 ' +
          '(at most 3 open connections to the DICOM port, 3 from one address)',
      ],
    ]);
    next.send(associateRq());
    expect((await next.nextPdu())?.type).toBe(0x02); // A-ASSOCIATE-AC
    // A scanner's store takes the place of the next silent one, at once: not after ARTIM.
    expect((await storescu(port, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
    await held[1]!.closed;
    expect(next.socket.destroyed).toBe(false); // associated: never closed to make room
  });

  it('closes a new connection unread when every open one holds an association', async () => {
    const { port } = await start({ maxAssociations: 2, maxConnections: 2, maxConnectionsPerAddress: 2 });
    const open = [await peer(port), await peer(port)];
    for (const p of open) {
      p.send(associateRq());
      expect((await p.nextPdu())?.type).toBe(0x02);
    }
    const beyond = await peer(port);
    await beyond.closed;
    expect(await beyond.nextPdu()).toBeNull(); // closed before it was read
    expect(seen.rejects.map((r) => [r.code, r.message])).toEqual([
      [ErrorCode.TOO_MANY_CONNECTIONS, 'more than 2 open connections from 127.0.0.1 to the DICOM port, each with an association'],
    ]);
    for (const p of open) expect(p.socket.destroyed).toBe(false);
  });

  it('makes room within an address: a flood from one host cannot push out the connections of another', async () => {
    const { port } = await start({ maxConnections: 4, maxConnectionsPerAddress: 2 });
    const otherHost = [await peer(port, '127.0.0.2'), await peer(port, '127.0.0.2')];
    // A flood from 127.0.0.1, larger than the whole port.
    const flood: RawPeer[] = [];
    for (let i = 0; i < 6; i++) flood.push(await peer(port));
    await Promise.all(flood.slice(0, 4).map((p) => p.closed));
    const message =
      'closed a connection from 127.0.0.1 that had not asked for an association, to make room for one from 127.0.0.1 ' +
      '(at most 4 open connections to the DICOM port, 2 from one address)';
    expect(seen.rejects.map((r) => r.message)).toEqual([message, message, message, message]);
    for (const p of otherHost) {
      p.send(associateRq());
      expect((await p.nextPdu())?.type).toBe(0x02); // still open, and answered
    }
  });

  it('makes room across addresses when the port is full, oldest first', async () => {
    const { port } = await start({ maxConnections: 3, maxConnectionsPerAddress: 3 });
    const oldest = await peer(port, '127.0.0.2');
    await new Promise((resolve) => setTimeout(resolve, 20)); // accepted before the others connect
    const held = [await peer(port), await peer(port)];
    const next = await peer(port, '127.0.0.3');
    await oldest.closed;
    expect(seen.rejects.map((r) => r.message)).toEqual([
      'closed a connection from 127.0.0.2 that had not asked for an association, to make room for one from 127.0.0.3 ' +
        '(at most 3 open connections to the DICOM port, 3 from one address)',
    ]);
    for (const p of [...held, next]) expect(p.socket.destroyed).toBe(false);
  });

  it('admits only allowed calling AE titles from their own networks', async () => {
    const { port } = await start({ allowList: parseAllowList('STORESCU@127.0.0.0/8,PACS@10.0.0.0/8') });
    const allowed = await storescu(port, [samplePath('MR_small.dcm')]);
    expect(allowed.responses).toEqual(['Success']);
    seen.rejects = [];

    const unknownTitle = await storescu(port, [samplePath('MR_small.dcm')], ['-aet', 'INTRUDER']);
    expect(unknownTitle.ok).toBe(false);
    expect(unknownTitle.output).toMatch(/Calling AE Title Not Recognized/i);
    const wrongNetwork = await storescu(port, [samplePath('MR_small.dcm')], ['-aet', 'PACS']);
    expect(wrongNetwork.ok).toBe(false);
    expect(seen.rejects.map((r) => [r.code, r.callingAeTitle])).toEqual([
      [ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED, 'INTRUDER'],
      [ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED, 'PACS'],
    ]);
    expect(seen.images).toBe(1);
  });

  it('closes a connection from an address on no network of the allow list before reading a byte', async () => {
    const { port } = await start({ allowList: parseAllowList('RAWSCU@127.0.0.2') });
    const outsider = await peer(port);
    outsider.send(associateRq());
    expect(await outsider.nextPdu()).toBeNull(); // closed: no A-ASSOCIATE-AC, not even an A-ASSOCIATE-RJ
    await outsider.closed;
    expect(seen.rejects.map((r) => [r.code, r.message])).toEqual([[ErrorCode.DICOM_PEER_NOT_ALLOWED, '127.0.0.1 is on no network of the allow list']]);
    const scanner = await peer(port, '127.0.0.2');
    scanner.send(associateRq());
    expect((await scanner.nextPdu())?.type).toBe(0x02); // A-ASSOCIATE-AC
  });

  it('refuses an image the admit check turns away with Refused: Not Authorized, and reports its code', async () => {
    const { port } = await start({ admit: (image) => ({ code: ErrorCode.DICOM_PATIENT_MISMATCH, message: `not ${image.patient.id}` }) });
    const result = await storescu(port, [samplePath('MR_small.dcm')]);
    // DCMTK names no C-STORE status 0124H, but it is the general DIMSE failure "Refused: Not authorized" (PS3.7 Annex C).
    expect(result.responses).toEqual(['Unknown Status: 0x124']);
    expect(seen.rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_PATIENT_MISMATCH]);
    expect(seen.images).toBe(0);
  });
});
