import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ErrorCode, PROTOCOL_VERSION } from '../../../../protocol/index.js';
import { GatewayStore } from '../../../../gateway/storage/gateway-store.js';
import { chromiumAvailable, launchChromium } from '../../../helpers/browser.js';
import { RawClient } from '../../../helpers/gateway.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../../helpers/identity-provider.js';
import { SSO_LEVELS, SSO_ROLES, signInThroughProvider } from '../../../helpers/sso.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { freePort } from '../../../helpers/ports.js';

const LARMOR = join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'larmor.js');

let child: ChildProcess | undefined;
let idp: TestIdentityProvider | undefined;
let browser: Browser | undefined;

afterEach(async () => {
  child?.kill('SIGTERM');
  child = undefined;
  await idp?.close();
  idp = undefined;
});
afterAll(async () => browser?.close());

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [LARMOR, 'gateway', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return { child: proc, output: () => text, exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))) };
}

describe('larmor gateway --oidc-config (the built CLI, as a process)', () => {
  it('refuses to start with a config file that fails its schema, naming the field', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'oidc.json'),
      JSON.stringify({ issuer: 'https://idp.example', clientId: 'x', redirectUri: 'https://gw.example/auth/oidc/callback', roles: { g: ['superuser'] } }),
    );
    const proc = run(['--data-dir', dir, '--oidc-config', join(dir, 'oidc.json')]);
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain(ErrorCode.OIDC_CONFIG_INVALID);
    expect(proc.output()).toMatch(/roles\.g/);
  });

  it.skipIf(!chromiumAvailable())('signs a hospital user in through the provider and welcomes them as operator', async () => {
    const dir = tempDir();
    idp = await startTestIdentityProvider({ alice: { name: 'Alice Remote', groups: ['mr-remote-technologists'] } });
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    idp.register(`${origin}/auth/oidc/callback`);
    writeFileSync(join(dir, 'secret'), idp.clientSecret);
    writeFileSync(
      join(dir, 'oidc.json'),
      JSON.stringify({
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecretFile: 'secret',
        redirectUri: `${origin}/auth/oidc/callback`,
        scopes: ['openid', 'profile', 'groups'],
        roles: SSO_ROLES,
        levels: SSO_LEVELS,
      }),
    );
    const proc = run(['--port', String(port), '--data-dir', join(dir, 'data'), '--oidc-config', join(dir, 'oidc.json')]);
    child = proc.child;
    await expect.poll(() => proc.output()).toMatch(/gateway listening/);
    browser ??= await launchChromium();
    const { page, fragment } = await signInThroughProvider(browser, origin, 'alice', 'operator');
    const client = await RawClient.connect(`ws://127.0.0.1:${port}/`);
    client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: { session: fragment.get('larmor_session') } });
    expect(await client.next((m) => m.type === 'welcome' || m.type === 'refused')).toMatchObject({
      type: 'welcome',
      session: { role: 'operator', name: 'Alice Remote' },
    });
    client.close();
    expect(proc.output()).toMatch(/sso\.sign-in Alice Remote .* \(operator\) from 127\.0\.0\.1: accepted/);
    await page.context().close();
    // The sign-in is in the gateway's audit trail, with who and from where.
    child.kill('SIGTERM');
    await proc.exited;
    const store = new GatewayStore(join(dir, 'data', 'gateway', 'gateway.sqlite'));
    const row = store.auditTrail().find((r) => r.action === 'sso.sign-in');
    store.close();
    expect(row).toMatchObject({ decision: 'accepted', role: 'operator', peer: '127.0.0.1' });
    expect(row!.actor).toMatch(/^Alice Remote <alice@http:\/\/localhost:\d+>$/);
  });
});
