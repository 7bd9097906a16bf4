import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ErrorCode } from '../../../../protocol/index.js';
import type { Gateway } from '../../../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../../helpers/identity-provider.js';
import { callbackFragment, signInThroughProvider, startGatewayWiredForSso } from '../../../helpers/sso.js';

// The gateway wired as `larmor gateway --oidc-config` wires it, with a burst
// of 3 sign-ins per person and a rate that gives no more within the test, and a refusal window
// longer than any test, so what is folded is decided by the count, not by the clock.
let idp: TestIdentityProvider;
let gateway: Gateway;
let httpOrigin: string;
let browser: Browser | undefined;

beforeAll(async () => {
  idp = await startTestIdentityProvider({
    alice: { name: 'Alice Remote', groups: ['mr-remote-technologists'] },
    bob: { name: 'Bob Remote', groups: ['mr-remote-technologists'] },
  });
  ({ gateway, httpOrigin } = await startGatewayWiredForSso(idp, { linkLimits: { refusalAuditWindowMs: 600_000, signInBurst: 3, signInsPerSecond: 0.001 } }));
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await idp?.close();
});

describe.skipIf(!chromiumAvailable())('hospital sign-ins of one person in a loop', () => {
  it('are held to the rate per person: the ones over it are refused with a code, in one audit row, and another person still signs in', async () => {
    browser = await launchChromium();
    // Signed in at the provider once; from then on it sends Alice straight back with a new code.
    const { page, fragment } = await signInThroughProvider(browser, httpOrigin, 'alice', 'operator');
    expect(fragment.get('larmor_session')).not.toBeNull();
    const again = async () => {
      const returned = callbackFragment(page, httpOrigin);
      await page.goto(`${httpOrigin}/auth/oidc/start?role=operator&return_to=%2Fonsite`);
      return (await returned).fragment;
    };
    const fragments = [];
    for (let i = 0; i < 6; i++) fragments.push(await again());
    expect(fragments.map((f) => f.get('larmor_error') ?? 'signed in')).toEqual([
      'signed in',
      'signed in',
      ErrorCode.SIGN_IN_THROTTLED,
      ErrorCode.SIGN_IN_THROTTLED,
      ErrorCode.SIGN_IN_THROTTLED,
      ErrorCode.SIGN_IN_THROTTLED,
    ]);
    expect(fragments[2]!.get('larmor_message')).toMatch(/too many sign-ins for Alice Remote: try again in \d+ s/);
    expect(fragments[2]!.get('larmor_session')).toBeNull();
    const trail = gateway.store.auditTrail().filter((r) => r.action === 'sso.sign-in');
    expect(trail.filter((r) => r.decision === 'accepted')).toHaveLength(3);
    expect(trail.filter((r) => r.code === ErrorCode.SIGN_IN_THROTTLED)).toMatchObject([
      { decision: 'refused', peer: '127.0.0.1', detail: { count: 1, userId: expect.stringContaining('#alice') } },
    ]);
    // Bob, from the same address, is not held back by Alice's sign-ins.
    const bob = await signInThroughProvider(browser, httpOrigin, 'bob', 'operator');
    expect(bob.fragment.get('larmor_error')).toBeNull();
    expect(bob.fragment.get('larmor_session')).not.toBeNull();
  });
});
