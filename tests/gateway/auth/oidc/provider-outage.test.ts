import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../protocol/index.js';
import type { Gateway } from '../../../../gateway/server/gateway.js';
import { OidcRelyingParty, createOidcRoutes, parseOidcConfig, type SsoAuditEntry } from '../../../../gateway/auth/oidc/index.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { freePort } from '../../../helpers/ports.js';

let gateway: Gateway;
let httpOrigin: string;
const audits: SsoAuditEntry[] = [];

beforeAll(async () => {
  const issuer = `http://127.0.0.1:${await freePort()}`; // a provider nobody answers for
  let routes: ReturnType<typeof createOidcRoutes> | null = null;
  gateway = await startTestGateway({ httpRoutes: (req, res) => routes?.(req, res) ?? false });
  httpOrigin = gateway.url.replace(/^ws/, 'http').replace(/\/$/, '');
  const config = parseOidcConfig({ issuer, clientId: 'larmor-gateway', redirectUri: `${httpOrigin}/auth/oidc/callback`, roles: { g: ['operator'] } }, '/');
  routes = createOidcRoutes({ relyingParty: new OidcRelyingParty(config), onIdentity: async () => 'never', audit: (e) => audits.push(e) });
});

afterAll(async () => {
  await gateway?.close();
});

describe('hospital sign-in service down', () => {
  it('sends the page back with a coded reason, audited, and the gateway keeps serving', async () => {
    const res = await fetch(`${httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const fragment = new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1));
    expect(fragment.get('larmor_error')).toBe(ErrorCode.OIDC_PROVIDER_UNREACHABLE);
    expect(fragment.get('larmor_message')).toMatch(/did not answer/);
    expect(audits.at(-1)).toMatchObject({ action: 'sso.start', decision: 'refused', code: ErrorCode.OIDC_PROVIDER_UNREACHABLE });
    expect((await fetch(`${httpOrigin}/healthz`)).status).toBe(200);
  });
});
