/**
 * bench/identity-sso: hospital single sign-on through the real path: Chromium -> gateway
 * /auth/oidc/start -> a real OpenID provider (oidc-provider, its login form and consent) ->
 * gateway /auth/oidc/callback (code exchange, ID token check, userinfo, session issuance) ->
 * back at the page with the session credential -> hello on the gateway's WebSocket -> welcome.
 *
 * Rows: the gateway's own handling of start and callback (server time as the browser saw it:
 * request sent to first response byte), and the whole browser sign-in (automated form filling
 * included, so it is a floor for a person, not their time).
 *
 *   npx tsx bench/identity-sso/run.ts [--sign-ins 50]
 */
import { parseArgs } from 'node:util';
import type { Request } from 'playwright-core';
import { PROTOCOL_VERSION } from '../../protocol/index.js';
import { launchChromium } from '../../tests/helpers/browser.js';
import { RawClient } from '../../tests/helpers/gateway.js';
import { startTestIdentityProvider } from '../../tests/helpers/identity-provider.js';
import { startGatewayWiredForSso } from '../../tests/helpers/sso.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({ options: { 'sign-ins': { type: 'string', default: '50' } } });
const COUNT = Number(values['sign-ins']);

// The gateway wired as `larmor gateway --oidc-config` wires it (gatewaySsoRoutes): each sign-in
// is audited and counted against the person's rate. One person signs in and says hello
// --sign-ins times: the bench times each, not the gateway's rates of sign-ins per person and of
// session starts per account (gateway/server/link-limits.ts), which it would otherwise reach.
const idp = await startTestIdentityProvider({ alice: { name: 'Alice Remote', groups: ['mr-remote-technologists'] } });
const scene = {
  ...(await startGatewayWiredForSso(idp, {
    linkLimits: { signInsPerSecond: 10_000, signInBurst: 10_000, sessionStartsPerSecond: 10_000, sessionStartBurst: 10_000 },
  })),
  close: async () => {
    await scene.gateway.close();
    await idp.close();
  },
};
const browser = await launchChromium();
const start: number[] = [];
const callback: number[] = [];
const whole: number[] = [];
const toWelcome: number[] = [];
/** Server time of one request as Chromium measured it: request sent to first response byte. */
const serverMs = (req: Request) => req.timing().responseStart - req.timing().requestStart;

try {
  for (let i = 0; i < COUNT + 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let startReq: Request | null = null;
    let callbackReq: Request | null = null;
    page.on('requestfinished', (req) => {
      if (req.url().startsWith(`${scene.httpOrigin}/auth/oidc/start`)) startReq = req;
      if (req.url().startsWith(`${scene.httpOrigin}/auth/oidc/callback`)) callbackReq = req;
    });
    const t0 = performance.now();
    await page.goto(`${scene.httpOrigin}/auth/oidc/start?role=operator&return_to=/onsite`);
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.pathname === '/onsite' && url.hash.includes('larmor_session='));
    const t1 = performance.now();
    const credential = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('larmor_session');
    const client = await RawClient.connect(scene.gateway.url);
    client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: { session: credential } });
    const answer = await client.next((m) => m.type === 'welcome' || m.type === 'refused');
    const t2 = performance.now();
    client.close();
    if (answer.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(answer)}`);
    // The first three warm up discovery, the JWKS cache and Chromium.
    if (i >= 3 && startReq && callbackReq) {
      whole.push(t1 - t0);
      toWelcome.push(t2 - t0);
      start.push(serverMs(startReq));
      callback.push(serverMs(callbackReq));
    }
    await context.close();
  }
} finally {
  await browser.close();
  await scene.close();
}

const row = (name: string, s: number[]) => [name, String(s.length), percentile(s, 50), percentile(s, 95), Math.max(...s)];
console.log(`SSO sign-in, ${COUNT} sign-ins, real OpenID provider on loopback, ${new Date().toISOString()}`);
printTable(
  ['step', 'n', 'p50 ms', 'p95 ms', 'max ms'],
  [
    row('gateway /auth/oidc/start', start),
    row('gateway /auth/oidc/callback', callback),
    row('browser: start -> credential at page', whole),
    row('browser: start -> first welcome', toWelcome),
  ],
);
