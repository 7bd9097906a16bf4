/** DICOM TLS (PS3.15 B.1) on the receiver, with DCMTK's storescu +tls as the scanner. */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { startStorageScp, type RejectedObject, type StorageScp } from '../../../gateway/dicom-scp/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { testCa } from '../../helpers/certificates.js';
import { samplePath, storescu } from './support.js';

let scp: StorageScp | undefined;
afterEach(async () => {
  await scp?.close();
  scp = undefined;
});

/** A site CA and two certificates it signs: the receiver's and a scanner's. */
function pki(dir: string) {
  const authority = testCa(dir, 'larmor-test-ca');
  const receiver = authority.sign('receiver', 'larmor-receiver');
  const scanner = authority.sign('scanner', 'MRI1');
  return { ca: authority.ca, receiverKey: receiver.key, receiverCert: receiver.cert, scannerKey: scanner.key, scannerCert: scanner.cert };
}

async function tlsScp(
  files: ReturnType<typeof pki>,
  requireClientCert: boolean,
  rejects: RejectedObject[],
  artimMs?: number,
  maxConnections?: number,
): Promise<number> {
  scp = await startStorageScp({
    port: 0,
    aeTitle: 'LARMOR',
    ...(maxConnections !== undefined ? { maxConnections, maxConnectionsPerAddress: maxConnections } : {}),
    ...(artimMs !== undefined ? { limits: { artimMs } } : {}),
    onImage: () => undefined,
    onReject: (r) => void rejects.push(r),
    tls: { cert: readFileSync(files.receiverCert), key: readFileSync(files.receiverKey), ...(requireClientCert ? { ca: readFileSync(files.ca) } : {}) },
  });
  return scp.port;
}

describe('DICOM TLS', () => {
  it('takes images from storescu +tls with a client certificate the site CA signed', async () => {
    const files = pki(tempDir());
    const port = await tlsScp(files, true, []);
    const result = await storescu(port, [samplePath('MR_small.dcm')], ['+tls', files.scannerKey, files.scannerCert, '+cf', files.ca]);
    expect(result.responses).toEqual(['Success']);
  });

  it('refuses a peer without a client certificate when one is required, and one that does not speak TLS', async () => {
    const files = pki(tempDir());
    const rejects: RejectedObject[] = [];
    const port = await tlsScp(files, true, rejects);
    const anonymous = await storescu(port, [samplePath('MR_small.dcm')], ['+tla', '+cf', files.ca]);
    expect(anonymous.ok).toBe(false);
    const cleartext = await storescu(port, [samplePath('MR_small.dcm')]);
    expect(cleartext.ok).toBe(false);
    expect(rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_TLS_HANDSHAKE, ErrorCode.DICOM_TLS_HANDSHAKE]);
  });

  it('takes images over TLS without a client certificate when none is required', async () => {
    const files = pki(tempDir());
    const port = await tlsScp(files, false, []);
    const result = await storescu(port, [samplePath('MR_small.dcm')], ['+tla', '+cf', files.ca]);
    expect(result.responses).toEqual(['Success']);
  });

  it('gives a TLS handshake the ARTIM time: a peer that connects and says nothing is closed then', async () => {
    const files = pki(tempDir());
    const rejects: RejectedObject[] = [];
    const port = await tlsScp(files, false, rejects, 300);
    const silent = connect(port, '127.0.0.1');
    silent.on('error', () => undefined);
    await new Promise<void>((resolve) => silent.once('close', () => resolve())); // by the gateway: this side never closes it
    expect(rejects.map((r) => r.code)).toEqual([ErrorCode.DICOM_TLS_HANDSHAKE]);
  });

  it('makes room for a scanner by closing the oldest connection still in its handshake', async () => {
    const files = pki(tempDir());
    const rejects: RejectedObject[] = [];
    const port = await tlsScp(files, false, rejects, undefined, 2);
    const silent = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    const closed = silent.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
    for (const s of silent) s.on('error', () => undefined);
    await Promise.all(silent.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    const result = await storescu(port, [samplePath('MR_small.dcm')], ['+tla', '+cf', files.ca]);
    expect(result.responses, result.output).toEqual(['Success']);
    await closed[0]; // the oldest made room, long before ARTIM
    expect(rejects.map((r) => r.code)).toEqual([ErrorCode.TOO_MANY_CONNECTIONS]);
    for (const s of silent) s.destroy();
  });
});
