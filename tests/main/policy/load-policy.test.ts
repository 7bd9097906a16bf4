import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { loadMachinePolicy } from '../../../main/policy/load-policy.js';
import { tempDir } from '../../helpers/temp-dir.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function writePolicy(content: unknown): string {
  const file = join(tempDir(), 'policy.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o644 });
  chmodSync(file, 0o644); // as IT leaves it, whatever this machine's umask
  return file;
}

function failure(path: string): { code: string; message: string } {
  try {
    loadMachinePolicy(path);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('the policy was accepted');
}

describe('machine policy loading', () => {
  it('applies no restriction when the machine has no policy file', () => {
    expect(loadMachinePolicy(join(tempDir(), 'absent.json'))).toEqual({ policy: {}, source: null, trustedCaPem: null });
  });

  it('reads a complete policy, with its CA bundle', () => {
    const dir = tempDir();
    const ca = join(dir, 'hospital-ca.pem');
    writeFileSync(ca, PEM);
    const file = writePolicy({
      allowedGatewayUrls: ['wss://mr1.hospital.example:8443/larmor'],
      trustedCaBundle: ca,
      certificatePins: { 'mr1.hospital.example:8443': [`sha256/${'A'.repeat(43)}=`] },
      updates: { enabled: true, url: 'https://updates.hospital.example/larmor/', channel: 'stable' },
      allowedRoles: ['observer'],
      idleSignOutMinutes: 15,
    });
    const loaded = loadMachinePolicy(file);
    expect(loaded.source).toBe(file);
    expect(loaded.trustedCaPem).toBe(PEM);
    expect(loaded.policy.updates).toEqual({ enabled: true, url: 'https://updates.hospital.example/larmor/', channel: 'stable' });
  });

  it('reads the desk settings: the concurrent-acquisition limit and the site list', () => {
    const sites = [{ id: 'mr-1', name: 'MR-1', url: 'wss://mr1.hospital.example/larmor' }];
    const loaded = loadMachinePolicy(writePolicy({ maxConcurrentAcquisitions: 2, sites }));
    expect(loaded.policy).toMatchObject({ maxConcurrentAcquisitions: 2, sites });
  });

  it('pins the channel to "latest" when the policy enables updates without naming one', () => {
    const loaded = loadMachinePolicy(writePolicy({ updates: { enabled: true, url: 'https://u.example/' } }));
    expect(loaded.policy.updates?.channel).toBe('latest');
  });

  it.each([
    ['a gateway that is not a ws URL', { allowedGatewayUrls: ['http://mr1/'] }, 'allowedGatewayUrls.0'],
    ['an http update server', { updates: { enabled: true, url: 'http://updates.example/' } }, 'updates.url'],
    ['updates on without a server', { updates: { enabled: true } }, 'updates.url'],
    ['an unknown role', { allowedRoles: ['admin'] }, 'allowedRoles.0'],
    ['a misspelt setting', { allowedGatewayURLs: ['wss://x/'] }, 'allowedGatewayURLs'],
    ['an idle time of zero', { idleSignOutMinutes: 0 }, 'idleSignOutMinutes'],
    ['more than three concurrent acquisitions', { maxConcurrentAcquisitions: 4 }, 'maxConcurrentAcquisitions'],
    ['a site list entry without an id', { sites: [{ name: 'MR-1', url: 'wss://mr1/' }] }, 'sites.0.id'],
    ['a pin that is not a SHA-256', { certificatePins: { mr1: ['md5/abc'] } }, 'certificatePins.mr1.0'],
    ['a relative CA bundle path', { trustedCaBundle: 'ca.pem' }, 'trustedCaBundle'],
    ['a CA bundle that does not exist', { trustedCaBundle: '/nonexistent/ca.pem' }, 'trustedCaBundle'],
  ])('stops the app on %s, naming the field', (_name, policy, field) => {
    const file = writePolicy(policy);
    const err = failure(file);
    expect(err.code).toBe(ErrorCode.POLICY_INVALID);
    expect(err.message).toContain(`${file} is not valid: ${field}: `);
  });

  it('stops the app on a file that is not JSON', () => {
    const err = failure(writePolicy('{ "allowedRoles": [ '));
    expect(err.code).toBe(ErrorCode.POLICY_INVALID);
    expect(err.message).toContain('(file): is not JSON');
  });

  it.skipIf(process.platform === 'win32')('stops the app on a policy file others may rewrite', () => {
    const file = writePolicy({ allowedRoles: ['observer'] });
    chmodSync(file, 0o666);
    expect(failure(file)).toMatchObject({ code: ErrorCode.POLICY_INVALID, message: expect.stringContaining('writable by users other than its owner') });
  });

  it.skipIf(process.getuid?.() === 0)('stops the app on a policy file it may not read, instead of ignoring it', () => {
    const file = writePolicy({});
    chmodSync(file, 0o000);
    expect(failure(file)).toMatchObject({ code: ErrorCode.POLICY_INVALID, message: expect.stringContaining('EACCES') });
  });
});
