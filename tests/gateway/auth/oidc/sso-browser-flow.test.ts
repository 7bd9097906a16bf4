import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ErrorCode } from '../../../../protocol/index.js';
import type { Gateway } from '../../../../gateway/server/gateway.js';
import { OidcRelyingParty, createOidcRoutes, loadOidcConfig, type SsoAuditEntry, type SsoIdentity } from '../../../../gateway/auth/oidc/index.js';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../../helpers/identity-provider.js';

const USERS = {
  alice: { name: 'Alice Remote', groups: ['mr-remote-technologists', 'hospital-staff'] },
  olga: { name: 'Olga Onsite', groups: ['mr-onsite-level2'] },
  bob: { name: 'Bob Clerk', groups: ['hospital-staff'] },
};

let idp: TestIdentityProvider;
let gateway: Gateway;
let browser: Browser;
let httpOrigin: string;
let routes: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
const issued: { identity: SsoIdentity; role: string | null }[] = [];
const audits: SsoAuditEntry[] = [];

beforeAll(async () => {
  idp = await startTestIdentityProvider(USERS);
  // The routes need the gateway's redirect URI, which exists once the gateway listens on its port 0.
  gateway = await startTestGateway({ httpRoutes: (req, res) => routes?.(req, res) ?? false });
  httpOrigin = gateway.url.replace(/^ws/, 'http').replace(/\/$/, '');
  const redirectUri = `${httpOrigin}/auth/oidc/callback`;
  idp.register(redirectUri);
  const dir = mkdtempSync(join(tmpdir(), 'larmor-oidc-'));
  writeFileSync(join(dir, 'client-secret'), `${idp.clientSecret}\n`);
  writeFileSync(
    join(dir, 'oidc.json'),
    JSON.stringify({
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecretFile: 'client-secret',
      redirectUri,
      scopes: ['openid', 'profile', 'groups'],
      roles: { 'mr-remote-technologists': ['operator'], 'mr-onsite-level2': ['onsite'] },
      levels: { 'mr-onsite-level2': 'mr2' },
    }),
  );
  routes = createOidcRoutes({
    relyingParty: new OidcRelyingParty(loadOidcConfig(join(dir, 'oidc.json'))),
    onIdentity: async (identity, role) => {
      issued.push({ identity, role });
      return `session-for-${identity.subject}-as-${role}`;
    },
    audit: (entry) => audits.push(entry),
  });
  if (chromiumAvailable()) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await idp?.close();
});

/** Start at the gateway, sign in on the provider's own form, consent, and land back at return_to. */
async function signInThroughProvider(login: string, role: string, returnTo = '/onsite'): Promise<{ page: Page; fragment: URLSearchParams }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${httpOrigin}/auth/oidc/start?role=${role}&return_to=${encodeURIComponent(returnTo)}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === httpOrigin && url.pathname === returnTo);
  return { page, fragment: new URLSearchParams(new URL(page.url()).hash.slice(1)) };
}

describe.skipIf(!chromiumAvailable())('hospital single sign-on in a real browser against a real OpenID provider', () => {
  it('gives a member of mr-remote-technologists an operator session', async () => {
    const { page, fragment } = await signInThroughProvider('alice', 'operator');
    expect(fragment.get('larmor_error')).toBeNull();
    expect(fragment.get('larmor_session')).toBe('session-for-alice-as-operator');
    const last = issued.at(-1)!;
    expect(last.role).toBe('operator');
    expect(last.identity).toEqual({ issuer: idp.issuer, subject: 'alice', displayName: 'Alice Remote', roles: ['operator'] });
    expect(audits.at(-1)).toMatchObject({ action: 'sso.sign-in', decision: 'accepted', role: 'operator', peer: '127.0.0.1' });
    await page.context().close();
  });

  it('carries the onsite credential level of the person group', async () => {
    const { page, fragment } = await signInThroughProvider('olga', 'onsite');
    expect(fragment.get('larmor_session')).toBe('session-for-olga-as-onsite');
    expect(issued.at(-1)!.identity).toMatchObject({ roles: ['onsite'], level: 'mr2' });
    await page.context().close();
  });

  it('refuses a person in no mapped group and issues no session', async () => {
    const before = issued.length;
    const { page, fragment } = await signInThroughProvider('bob', 'operator');
    expect(fragment.get('larmor_session')).toBeNull();
    expect(fragment.get('larmor_error')).toBe(ErrorCode.OIDC_NO_ROLE);
    expect(fragment.get('larmor_message')).toMatch(/Bob Clerk .* none of their groups/);
    expect(issued.length).toBe(before);
    expect(audits.at(-1)).toMatchObject({ action: 'sso.sign-in', decision: 'refused', code: ErrorCode.OIDC_NO_ROLE });
    await page.context().close();
  });

  it('refuses a role the person groups do not grant', async () => {
    const { page, fragment } = await signInThroughProvider('alice', 'onsite');
    expect(fragment.get('larmor_session')).toBeNull();
    expect(fragment.get('larmor_error')).toBe(ErrorCode.OIDC_ROLE_NOT_GRANTED);
    await page.context().close();
  });

  it('refuses a replayed callback: each sign-in is used once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let callbackUrl = '';
    page.on('request', (req) => {
      if (req.url().startsWith(`${httpOrigin}/auth/oidc/callback`)) callbackUrl = req.url();
    });
    await page.goto(`${httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`);
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.pathname === '/onsite');
    expect(callbackUrl).not.toBe('');
    const replay = await page.goto(callbackUrl);
    expect(replay!.status()).toBe(400);
    expect(await replay!.headerValue('x-larmor-error')).toBe(ErrorCode.OIDC_UNKNOWN_SIGN_IN);
    await context.close();
  });
});

describe('sign-in start', () => {
  it('refuses to send the credential to an origin that is not allow-listed', async () => {
    const res = await fetch(`${httpOrigin}/auth/oidc/start?role=operator&return_to=${encodeURIComponent('https://attacker.example/steal')}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-larmor-error')).toBe(ErrorCode.OIDC_RETURN_TO_FORBIDDEN);
    expect(audits.at(-1)).toMatchObject({ action: 'sso.start', decision: 'refused', code: ErrorCode.OIDC_RETURN_TO_FORBIDDEN });
  });

  it('sends the browser to the provider with PKCE S256, state and nonce', async () => {
    const res = await fetch(`${httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('refuses a callback that names no sign-in it started', async () => {
    const res = await fetch(`${httpOrigin}/auth/oidc/callback?code=forged&state=never-issued`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-larmor-error')).toBe(ErrorCode.OIDC_UNKNOWN_SIGN_IN);
  });
});
