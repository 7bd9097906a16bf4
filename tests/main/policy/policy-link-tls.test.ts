import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { LoadedPolicy } from '../../../main/policy/machine-policy.js';
import { policyLinkTls, spkiPin } from '../../../main/policy/policy-enforcement.js';
import { TEST_PASSWORD, ensureTestAccount, testUserId } from '../../helpers/accounts.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { testCa } from '../../helpers/certificates.js';

/** A hospital CA and a site certificate it signed for 127.0.0.1, as PEM text. */
function siteCertificates(dir: string): { ca: string; cert: string; key: string } {
  const authority = testCa(dir, 'Test Hospital CA');
  const site = authority.sign('site', 'larmor-gateway');
  return { ca: readFileSync(authority.ca, 'utf8'), cert: readFileSync(site.cert, 'utf8'), key: readFileSync(site.key, 'utf8') };
}

let gateway: Gateway | undefined;
let core: WorkstationCore | undefined;
afterEach(async () => {
  await core?.disconnect();
  await gateway?.close();
  core = gateway = undefined;
});

async function connectThroughPolicy(policy: LoadedPolicy): Promise<unknown> {
  core = new WorkstationCore({ linkTls: policyLinkTls(policy) });
  await ensureTestAccount(gateway!, 'Remote Tech');
  return core.connect({ url: gateway!.url, role: 'operator', name: 'Remote Tech', user: testUserId('Remote Tech'), password: TEST_PASSWORD }).then(
    () => 'connected',
    (err: { code?: string }) => err.code,
  );
}

describe('machine policy on the workstation core: the CA bundle and pins apply to sign-in and link', () => {
  it('signs in and connects over wss:// to a gateway signed by the policy’s CA bundle', async () => {
    const certs = siteCertificates(tempDir());
    gateway = await startTestGateway({ tls: { cert: certs.cert, key: certs.key } });
    expect(gateway.url).toMatch(/^wss:/);
    expect(await connectThroughPolicy({ policy: { trustedCaBundle: '/etc/larmor/ca.pem' }, source: 'test', trustedCaPem: certs.ca })).toBe('connected');
    expect(gateway.store.auditTrail().some((r) => r.action === 'sign-in' && r.decision === 'accepted')).toBe(true);
  });

  it('refuses a gateway whose key is not the one pinned, before the password is sent', async () => {
    const certs = siteCertificates(tempDir());
    const other = siteCertificates(tempDir());
    gateway = await startTestGateway({ tls: { cert: certs.cert, key: certs.key } });
    const wrongPin = spkiPin(Buffer.from(other.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const port = new URL(gateway.url).port;
    const outcome = await connectThroughPolicy({ policy: { certificatePins: { [`127.0.0.1:${port}`]: [wrongPin] } }, source: 'test', trustedCaPem: certs.ca });
    expect(outcome).not.toBe('connected');
    expect(gateway.store.auditTrail().some((r) => r.action === 'sign-in')).toBe(false);
  });
});
