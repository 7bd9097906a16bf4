import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ErrorCode, MAX_DISPLAY_NAME_CHARS, PROTOCOL_VERSION, type GatewayMessage } from '../../../../protocol/index.js';
import { RawClient } from '../../../helpers/gateway.js';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { callbackFragment, signInThroughProvider, startSsoScene, type SsoScene } from '../../../helpers/sso.js';

const USERS = {
  alice: { name: 'Alice Remote', groups: ['mr-remote-technologists', 'hospital-staff'] },
  olga: { name: 'Olga Onsite', groups: ['mr-onsite-level2'] },
  bob: { name: 'Bob Clerk', groups: ['hospital-staff'] },
  max: { name: 'Dr. Maximilian Alexander von Hohenzollern-Sigmaringen, MD PhD FRCR (Neuroradiology)', groups: ['mr-remote-technologists'] },
};

let scene: SsoScene;
let browser: Browser;

beforeAll(async () => {
  scene = await startSsoScene(USERS);
  if (chromiumAvailable()) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await scene?.close();
});

/** Say hello on the gateway's WebSocket with a session credential; the welcome or the refusal. */
async function hello(credential: string, role: 'operator' | 'onsite' | 'observer'): Promise<GatewayMessage> {
  const client = await RawClient.connect(scene.gateway.url);
  client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role, credentials: { session: credential } });
  const answer = await client.next((m) => m.type === 'welcome' || m.type === 'refused');
  client.close();
  return answer;
}

describe.skipIf(!chromiumAvailable())('hospital single sign-on in a real browser against a real OpenID provider', () => {
  it('gives a member of mr-remote-technologists an operator session', async () => {
    const userinfoCalls: string[] = [];
    scene.idp.onRequest = (path) => {
      if (path.startsWith('/me')) userinfoCalls.push(path);
    };
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'alice', 'operator');
    expect(fragment.get('larmor_error')).toBeNull();
    const credential = fragment.get('larmor_session')!;
    expect(credential).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const last = scene.issued.at(-1)!;
    expect(last.role).toBe('operator');
    expect(last.identity).toEqual({ issuer: scene.idp.issuer, subject: 'alice', displayName: 'Alice Remote', roles: ['operator'] });
    expect(scene.audits.at(-1)).toMatchObject({ action: 'sso.sign-in', decision: 'accepted', role: 'operator', peer: '127.0.0.1' });
    // The credential is a Larmor session: the gateway's WebSocket welcomes Alice as operator.
    const welcome = await hello(credential, 'operator');
    expect(welcome).toMatchObject({ type: 'welcome', session: { role: 'operator', name: 'Alice Remote', userId: `${scene.idp.issuer}#alice` } });
    expect(scene.audits.at(-1)).toMatchObject({ userId: `${scene.idp.issuer}#alice` });
    // This provider keeps groups out of the ID token (OpenID Connect Core 5.4), so they came from userinfo.
    expect(userinfoCalls.length).toBe(1);
    scene.idp.onRequest = null;
    await page.context().close();
  });

  it('cuts a name claim longer than a display name may be, so every list of people shows it in one line', async () => {
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'max', 'operator');
    const shown = `${USERS.max.name.slice(0, MAX_DISPLAY_NAME_CHARS)}…`;
    expect(scene.issued.at(-1)!.identity).toMatchObject({ displayName: shown });
    const welcome = await hello(fragment.get('larmor_session')!, 'operator');
    expect(welcome).toMatchObject({ type: 'welcome', session: { name: shown } });
    await page.context().close();
  });

  it('keeps local accounts working beside hospital sign-in', async () => {
    const local = await RawClient.greeted(scene.gateway.url, 'observer', 'Trainer');
    expect(local.messages.find((m) => m.type === 'welcome')).toMatchObject({ session: { role: 'observer', name: 'Trainer', userId: 'trainer' } });
    local.close();
  });

  it("carries the onsite credential level of the person's group", async () => {
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'olga', 'onsite');
    expect(scene.issued.at(-1)!.identity).toMatchObject({ roles: ['onsite'], level: 'mr2' });
    const welcome = await hello(fragment.get('larmor_session')!, 'onsite');
    expect(welcome).toMatchObject({ type: 'welcome', session: { role: 'onsite', name: 'Olga Onsite' } });
    await page.context().close();
  });

  it('refuses a person in no mapped group and issues no session', async () => {
    const before = scene.issued.length;
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'bob', 'operator');
    expect(fragment.get('larmor_session')).toBeNull();
    expect(fragment.get('larmor_error')).toBe(ErrorCode.OIDC_NO_ROLE);
    expect(fragment.get('larmor_message')).toMatch(/Bob Clerk .* none of their groups/);
    expect(scene.issued.length).toBe(before);
    expect(scene.audits.at(-1)).toMatchObject({ action: 'sso.sign-in', decision: 'refused', code: ErrorCode.OIDC_NO_ROLE });
    await page.context().close();
  });

  it("refuses a role the person's groups do not grant", async () => {
    const { page, fragment } = await signInThroughProvider(browser, scene.httpOrigin, 'alice', 'onsite');
    expect(fragment.get('larmor_session')).toBeNull();
    expect(fragment.get('larmor_error')).toBe(ErrorCode.OIDC_ROLE_NOT_GRANTED);
    await page.context().close();
  });

  it('comes back to the page with the reason when the person cancels at the hospital sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${scene.httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`);
    const returned = callbackFragment(page, scene.httpOrigin);
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    const { fragment } = await returned;
    await page.waitForURL((url) => url.pathname === '/onsite');
    expect(fragment.get('larmor_error')).toBe(ErrorCode.OIDC_PROVIDER_REFUSED);
    expect(fragment.get('larmor_message')).toMatch(/access_denied/);
    expect(scene.audits.at(-1)).toMatchObject({ action: 'sso.sign-in', decision: 'refused', code: ErrorCode.OIDC_PROVIDER_REFUSED });
    await context.close();
  });

  it('refuses a replayed callback: each sign-in is used once', async () => {
    const { page, callbackUrl } = await signInThroughProvider(browser, scene.httpOrigin, 'alice', 'operator');
    expect(callbackUrl).not.toBe('');
    const replay = await page.goto(callbackUrl);
    expect(replay!.status()).toBe(400);
    expect(await replay!.headerValue('x-larmor-error')).toBe(ErrorCode.OIDC_UNKNOWN_SIGN_IN);
    await page.context().close();
  });

  it('refuses a sign-in finished in another browser than the one that started it', async () => {
    // Started outside the browser (no binding cookie reaches it), finished in the browser: login CSRF (RFC 6749 10.12).
    const started = await fetch(`${scene.httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`, { redirect: 'manual' });
    const before = scene.issued.length;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(started.headers.get('location')!);
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    const callback = page.waitForResponse((res) => res.url().startsWith(`${scene.httpOrigin}/auth/oidc/callback`));
    await page.getByRole('button', { name: 'Continue' }).click();
    expect((await callback).status()).toBe(400);
    expect(await (await callback).headerValue('x-larmor-error')).toBe(ErrorCode.OIDC_UNKNOWN_SIGN_IN);
    expect(scene.issued.length).toBe(before);
    await context.close();
  });
});

describe('sign-in start', () => {
  it('tells sign-in screens that hospital sign-in is offered', async () => {
    const res = await fetch(`${scene.httpOrigin}/auth/oidc/available`);
    expect(await res.json()).toEqual({ available: true, startPath: '/auth/oidc/start' });
  });

  it('refuses to send the credential to an origin that is not allow-listed', async () => {
    const res = await fetch(`${scene.httpOrigin}/auth/oidc/start?role=operator&return_to=${encodeURIComponent('https://attacker.example/steal')}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-larmor-error')).toBe(ErrorCode.OIDC_RETURN_TO_FORBIDDEN);
    expect(scene.audits.at(-1)).toMatchObject({ action: 'sso.start', decision: 'refused', code: ErrorCode.OIDC_RETURN_TO_FORBIDDEN });
  });

  it('sends the browser to the provider with PKCE S256, state and nonce', async () => {
    const res = await fetch(`${scene.httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(scene.idp.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('refuses a callback that names no sign-in it started', async () => {
    const res = await fetch(`${scene.httpOrigin}/auth/oidc/callback?code=forged&state=never-issued`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-larmor-error')).toBe(ErrorCode.OIDC_UNKNOWN_SIGN_IN);
  });

  it('sends an unknown role back to the page with a coded error', async () => {
    const res = await fetch(`${scene.httpOrigin}/auth/oidc/start?role=superuser&return_to=/onsite`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1)).get('larmor_error')).toBe(ErrorCode.INVALID_PARAMETER);
  });
});
