import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ErrorCode, PROTOCOL_VERSION } from '../../../../protocol/index.js';
import type { Gateway } from '../../../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { RawClient } from '../../../helpers/gateway.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../../helpers/identity-provider.js';
import { callbackFragment, startGatewayWiredForSso } from '../../../helpers/sso.js';

// The gateway wired as `larmor gateway --oidc-config` wires it, with a refusal window longer than
// any test, so what is folded is decided by the count, not by the clock.
let idp: TestIdentityProvider;
let gateway: Gateway;
let httpOrigin: string;
let browser: Browser | undefined;

beforeAll(async () => {
  idp = await startTestIdentityProvider({ alice: { name: 'Alice Remote', groups: ['mr-remote-technologists'] } });
  ({ gateway, httpOrigin } = await startGatewayWiredForSso(idp, { linkLimits: { refusalAuditWindowMs: 600_000 } }));
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await idp?.close();
});

/** GET a path of the gateway from `localAddress` (another loopback address is another host to it); the status and headers. */
function get(path: string, agent: Agent, localAddress = '127.0.0.1'): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${httpOrigin}${path}`, { agent, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `count` GETs, 8 at a time. */
async function flood(count: number, path: () => string, localAddress?: string): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const statuses = new Map<number, number>();
  let sent = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (sent < count) {
        sent++;
        const { status } = await get(path(), agent, localAddress);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  agent.destroy();
  return statuses;
}

const rows = (code: string) => gateway.store.auditTrail().filter((r) => r.code === code);

describe('hospital sign-in refusals of no one yet, from anyone, as fast as they can send them', () => {
  it('writes one row for 200 callbacks of made-up sign-ins from one address, not 200', async () => {
    let n = 0;
    const statuses = await flood(200, () => `/auth/oidc/callback?state=made-up-${n++}&code=x`);
    expect(statuses).toEqual(new Map([[400, 200]]));
    const refused = rows(ErrorCode.OIDC_UNKNOWN_SIGN_IN);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      action: 'sso.sign-in',
      decision: 'refused',
      actor: null,
      peer: '127.0.0.1',
      detail: { count: 1, reason: 'unknown, used or expired state' },
    });
  });

  it('keeps the start of a 14 KB return_to in the row, not all of it, and folds the ones that follow', async () => {
    const long = `https://evil.example/${'A'.repeat(14_000)}`;
    const statuses = await flood(50, () => `/auth/oidc/start?role=operator&return_to=${encodeURIComponent(long)}`);
    expect(statuses).toEqual(new Map([[400, 50]]));
    const refused = rows(ErrorCode.OIDC_RETURN_TO_FORBIDDEN);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ action: 'sso.start', decision: 'refused', peer: '127.0.0.1' });
    const returnTo = (refused[0]!.detail as { returnTo: string }).returnTo;
    expect(returnTo.startsWith('https://evil.example/AAAA')).toBe(true);
    expect(returnTo.length).toBeLessThan(300);
    expect(JSON.stringify(refused[0]).length).toBeLessThan(1024);
  });
});

describe.skipIf(!chromiumAvailable())('a flood of sign-in starts from one address', () => {
  it('does not push out a sign-in someone at another address is in the middle of, which then completes', async () => {
    browser = await launchChromium();
    const context = await browser.newContext();
    const page = await context.newPage();
    // Alice starts signing in (from 127.0.0.1) and is at the hospital's sign-in page...
    await page.goto(`${httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`);
    await page.locator('input[name="login"]').fill('alice');
    // ...while another host starts 2,000 sign-ins it never completes: twice what the gateway holds in all.
    const statuses = await flood(2000, () => '/auth/oidc/start?return_to=%2Fonsite', '127.0.0.2');
    expect(statuses).toEqual(new Map([[302, 2000]]));
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    const returned = callbackFragment(page, httpOrigin);
    await page.getByRole('button', { name: 'Continue' }).click();
    const { fragment } = await returned;
    // Pushed out, the callback would find no sign-in (400, LARMOR_E_OIDC_UNKNOWN_SIGN_IN) and send no credential.
    expect(fragment.get('larmor_error')).toBeNull();
    expect(fragment.get('larmor_session')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const client = await RawClient.connect(gateway.url);
    client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: { session: fragment.get('larmor_session') } });
    expect(await client.next((m) => m.type === 'welcome' || m.type === 'refused')).toMatchObject({
      type: 'welcome',
      session: { role: 'operator', name: 'Alice Remote' },
    });
    client.close();
    expect(gateway.store.auditTrail().filter((r) => r.action === 'sso.sign-in' && r.decision === 'accepted')).toMatchObject([{ peer: '127.0.0.1' }]);
    await context.close();
  });
});
