import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Gateway, GatewayOptions } from '../../gateway/server/gateway.js';
import {
  OidcRelyingParty,
  createOidcRoutes,
  gatewaySsoRoutes,
  issueSsoSession,
  loadOidcConfig,
  parseOidcConfig,
  type OidcRoutesOptions,
  type SsoAuditEntry,
  type SsoIdentity,
} from '../../gateway/auth/oidc/index.js';
import { httpOriginOf, startTestGateway } from './gateway.js';
import { tempDirForFile } from './temp-dir.js';
import { startTestIdentityProvider, type TestIdentityProvider, type TestIdpUser } from './identity-provider.js';

export interface SsoScene {
  idp: TestIdentityProvider;
  gateway: Gateway;
  /** http://127.0.0.1:PORT of the gateway (its pages and /auth/oidc/*). */
  httpOrigin: string;
  /** Written to a temp folder, as IT would: the config file and the client secret file beside it. */
  configFile: string;
  issued: { identity: SsoIdentity; role: string | null }[];
  audits: SsoAuditEntry[];
  close(): Promise<void>;
}

/** The groups of the README's example config. */
export const SSO_ROLES = { 'mr-remote-technologists': ['operator'], 'mr-onsite-level2': ['onsite'], 'radiology-residents': ['observer'] };
export const SSO_LEVELS = { 'mr-onsite-level2': 'mr2' };

/**
 * A gateway with the hospital sign-in routes on and a provider at `issuer` that never signs
 * anyone in (none answers there, say): for what the routes do before a provider is involved.
 */
export async function startGatewayWithSsoRoutes(issuer: string, audit?: (entry: SsoAuditEntry) => void): Promise<{ gateway: Gateway; httpOrigin: string }> {
  let routes: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  // The routes need the gateway's redirect URI, which exists once the gateway listens on its port 0.
  const gateway = await startTestGateway({ httpRoutes: (req, res) => routes?.(req, res) ?? false });
  const httpOrigin = httpOriginOf(gateway);
  const config = parseOidcConfig({ issuer, clientId: 'larmor-gateway', redirectUri: `${httpOrigin}/auth/oidc/callback`, roles: { g: ['operator'] } }, '/');
  routes = createOidcRoutes({ relyingParty: new OidcRelyingParty(config), onIdentity: async () => 'never', ...(audit ? { audit } : {}) });
  return { gateway, httpOrigin };
}

/**
 * A gateway wired for sign-in with this provider as `larmor gateway --oidc-config` wires it
 * (gatewaySsoRoutes): refusals go to its audit trail and its folding by address, sign-ins to its
 * rate per person.
 */
export async function startGatewayWiredForSso(
  idp: TestIdentityProvider,
  options: Partial<GatewayOptions> = {},
): Promise<{ gateway: Gateway; httpOrigin: string }> {
  let routes: ReturnType<typeof gatewaySsoRoutes> | null = null;
  const gateway = await startTestGateway({ ...options, httpRoutes: (req, res) => routes?.(req, res) ?? false });
  const httpOrigin = httpOriginOf(gateway);
  const redirectUri = `${httpOrigin}/auth/oidc/callback`;
  idp.register(redirectUri);
  routes = gatewaySsoRoutes(loadOidcConfig(writeOidcConfig(idp, redirectUri)), () => gateway);
  return { gateway, httpOrigin };
}

/** The gateway's OIDC config for this provider (and its client secret beside it), in a temp folder; its path. */
function writeOidcConfig(idp: { issuer: string; clientId: string; clientSecret: string }, redirectUri: string): string {
  const dir = tempDirForFile('larmor-oidc-');
  writeFileSync(join(dir, 'client-secret'), `${idp.clientSecret}\n`);
  const configFile = join(dir, 'oidc.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecretFile: 'client-secret',
      redirectUri,
      scopes: ['openid', 'profile', 'groups'],
      roles: SSO_ROLES,
      levels: SSO_LEVELS,
    }),
  );
  return configFile;
}

/**
 * A real OpenID provider and a real gateway wired for sign-in with it: a signed-in person gets
 * the gateway's own session credential (gateway.credentials), as `larmor gateway --oidc-config` does.
 */
export async function startSsoScene(
  users: Record<string, TestIdpUser>,
  options: { groupsInIdToken?: boolean; onIdentity?: OidcRoutesOptions['onIdentity']; gateway?: Partial<GatewayOptions> } = {},
): Promise<SsoScene> {
  const idp = await startTestIdentityProvider(users, { groupsInIdToken: options.groupsInIdToken });
  let routes: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  // The routes need the gateway's redirect URI, which exists once the gateway listens on its port 0.
  const gateway = await startTestGateway({ ...options.gateway, httpRoutes: (req, res) => routes?.(req, res) ?? false });
  const httpOrigin = httpOriginOf(gateway);
  const redirectUri = `${httpOrigin}/auth/oidc/callback`;
  idp.register(redirectUri);
  const configFile = writeOidcConfig(idp, redirectUri);
  const issued: SsoScene['issued'] = [];
  const audits: SsoAuditEntry[] = [];
  const issue = options.onIdentity ?? issueSsoSession(gateway.credentials);
  routes = createOidcRoutes({
    relyingParty: new OidcRelyingParty(loadOidcConfig(configFile)),
    onIdentity: async (identity, role) => {
      const credential = await issue(identity, role);
      issued.push({ identity, role });
      return credential;
    },
    audit: (entry) => audits.push(entry),
  });
  return {
    idp,
    gateway,
    httpOrigin,
    configFile,
    issued,
    audits,
    close: async () => {
      await gateway.close();
      await idp.close();
    },
  };
}

/**
 * The fragment the gateway's callback sends the browser back with, read from its 303 Location.
 * Not from page.url() once landed: the sign-in page takes the credential out of the address bar
 * as soon as it loads (history.replaceState), so reading it there races the page's script.
 * Call before the click that leads to the callback.
 */
export function callbackFragment(page: Page, httpOrigin: string): Promise<{ fragment: URLSearchParams; callbackUrl: string }> {
  return page
    .waitForResponse((res) => res.url().startsWith(`${httpOrigin}/auth/oidc/callback`))
    .then(async (res) => {
      const location = (await res.headerValue('location')) ?? '';
      return { fragment: new URLSearchParams(new URL(location, httpOrigin).hash.slice(1)), callbackUrl: res.url() };
    });
}

/**
 * In a fresh browser context: open the gateway's sign-in start, fill oidc-provider's login form
 * (dev interactions accept any password), consent, and wait until back at return_to.
 */
export async function signInThroughProvider(
  browser: Browser,
  httpOrigin: string,
  login: string,
  role: string,
  returnTo = '/onsite',
): Promise<{ page: Page; fragment: URLSearchParams; callbackUrl: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${httpOrigin}/auth/oidc/start?role=${role}&return_to=${encodeURIComponent(returnTo)}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  const returned = callbackFragment(page, httpOrigin);
  await page.getByRole('button', { name: 'Continue' }).click();
  const { fragment, callbackUrl } = await returned;
  const landing = new URL(returnTo, httpOrigin);
  await page.waitForURL((url) => url.origin === landing.origin && url.pathname === landing.pathname);
  return { page, fragment, callbackUrl };
}
