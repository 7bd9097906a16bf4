import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect, createServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import type { LoadedPolicy, MachinePolicy } from '../../../main/policy/machine-policy.js';
import { assertConnectAllowed, assertDeskConnectAllowed, gatewayTlsOptions, policyView, spkiPin } from '../../../main/policy/policy-enforcement.js';
import { tempDir } from '../../helpers/temp-dir.js';

const loaded = (policy: MachinePolicy, trustedCaPem: string | null = null): LoadedPolicy => ({ policy, source: '/etc/larmor/policy.json', trustedCaPem });

describe('policy on connect requests', () => {
  const policy: MachinePolicy = { allowedGatewayUrls: ['wss://mr1.hospital.example:8443/larmor'], allowedRoles: ['observer'] };

  it('lets an allowed gateway and role through, however the URL is capitalised', () => {
    expect(() => assertConnectAllowed({ url: 'WSS://MR1.hospital.example:8443/larmor', role: 'observer', name: 'A' }, policy)).not.toThrow();
  });

  it.each([
    ['another gateway', { url: 'wss://elsewhere.example/larmor', role: 'observer' as const, name: 'A' }],
    [
      'an allowed gateway with a backup line that is not allowed',
      { url: 'wss://mr1.hospital.example:8443/larmor', secondaryUrl: 'wss://backup.example/', role: 'observer' as const, name: 'A' },
    ],
    ['a role this machine may not take', { url: 'wss://mr1.hospital.example:8443/larmor', role: 'operator' as const, name: 'A' }],
  ])('refuses %s with a code', (_name, request) => {
    expect(() => assertConnectAllowed(request, policy)).toThrow(expect.objectContaining({ code: ErrorCode.POLICY_REFUSED }));
  });

  it('restricts nothing without a policy', () => {
    expect(() => assertConnectAllowed({ url: 'ws://anything:1/', role: 'operator', name: 'A' }, {})).not.toThrow();
  });

  it('shows the page only the parts it needs', () => {
    expect(policyView(loaded({ ...policy, idleSignOutMinutes: 10, updates: { enabled: false, channel: 'latest' } }))).toEqual({
      allowedGatewayUrls: policy.allowedGatewayUrls,
      allowedRoles: ['observer'],
      idleSignOutMinutes: 10,
      maxConcurrentAcquisitions: 1,
      sites: null,
      source: '/etc/larmor/policy.json',
    });
  });

  it('gives the page the concurrent-acquisition limit and the site list IT set', () => {
    const sites = [{ id: 'mr-1', name: 'MR-1', url: 'wss://mr1.hospital.example/larmor' }];
    expect(policyView(loaded({ ...policy, maxConcurrentAcquisitions: 2, sites }))).toMatchObject({ maxConcurrentAcquisitions: 2, sites });
  });

  it('refuses a desk site list with one gateway the policy does not list', () => {
    const sites = [
      { id: 'mr-1', name: 'MR-1', url: policy.allowedGatewayUrls![0]! },
      { id: 'mr-9', name: 'MR-9', url: 'wss://elsewhere.example/' },
    ];
    expect(() => assertDeskConnectAllowed({ sites, role: 'observer' }, policy)).toThrow(expect.objectContaining({ code: ErrorCode.POLICY_REFUSED }));
  });
});

/** A real TLS server with a certificate for "localhost" from openssl, and a client using the policy's options. */
describe('policy on the gateway TLS connection', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  function certificate(dir: string, name: string): { key: string; cert: string } {
    const key = join(dir, `${name}.key`);
    const cert = join(dir, `${name}.pem`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  }

  async function handshake(server: { key: string; cert: string }, policy: LoadedPolicy): Promise<'ok' | string> {
    const tlsServer = createServer({ key: server.key, cert: server.cert }, (socket) => socket.end());
    servers.push(tlsServer);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const port = (tlsServer.address() as AddressInfo).port;
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', servername: 'localhost', port, ...gatewayTlsOptions(policy, port) }, () => {
        socket.destroy();
        resolve('ok');
      });
      socket.on('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
    });
  }

  it('trusts a gateway signed by the CA bundle and whose key is pinned', async () => {
    const gateway = certificate(tempDir(), 'gateway');
    const pin = spkiPin(new X509Certificate(gateway.cert).raw);
    expect(await handshake(gateway, loaded({ certificatePins: { localhost: [pin] } }, gateway.cert))).toBe('ok');
  });

  it('computes the same pin as the openssl recipe IT uses (RFC 7469 SPKI SHA-256)', () => {
    const dir = tempDir();
    certificate(dir, 'gateway');
    const pem = join(dir, 'gateway.pem');
    const fromOpenssl = execFileSync('sh', [
      '-c',
      `openssl x509 -in '${pem}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
    ])
      .toString()
      .trim();
    expect(spkiPin(new X509Certificate(readFileSync(pem)).raw)).toBe(`sha256/${fromOpenssl}`);
  });

  it('refuses a gateway whose certificate is not from the CA bundle', async () => {
    const dir = tempDir();
    const other = certificate(dir, 'other-ca');
    expect(await handshake(certificate(dir, 'gateway'), loaded({}, other.cert))).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('refuses a trusted gateway whose key is not the pinned one', async () => {
    const gateway = certificate(tempDir(), 'gateway');
    expect(await handshake(gateway, loaded({ certificatePins: { localhost: [`sha256/${'A'.repeat(43)}=`] } }, gateway.cert))).toBe(ErrorCode.POLICY_REFUSED);
  });
});
