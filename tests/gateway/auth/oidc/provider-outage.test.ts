import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../protocol/index.js';
import type { Gateway } from '../../../../gateway/server/gateway.js';
import type { SsoAuditEntry } from '../../../../gateway/auth/oidc/index.js';
import { startGatewayWithSsoRoutes } from '../../../helpers/sso.js';
import { freePort } from '../../../helpers/ports.js';

let gateway: Gateway;
let httpOrigin: string;
const audits: SsoAuditEntry[] = [];

beforeAll(async () => {
  const issuer = `http://127.0.0.1:${await freePort()}`; // a provider nobody answers for
  ({ gateway, httpOrigin } = await startGatewayWithSsoRoutes(issuer, (e) => audits.push(e)));
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
