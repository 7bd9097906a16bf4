import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ErrorCode, SUBPROTOCOL } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { OPEN_EXAM, RawClient, startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { TEST_PASSWORD, ensureTestAccount, testUserId } from '../helpers/accounts.js';
import { startWorkstation } from '../helpers/shell.js';

let gateway: Gateway;
let browser: Browser;
let evil: Server;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // A long heartbeat: the raw operator client below never pings, and must outlive a slow browser.
  gateway = await startTestGateway({ heartbeatIntervalMs: 5_000 });
  browser = await launchChromium();
  // A page on another web origin (another port of the same machine is another origin).
  evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>not the gateway</title>'));
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', () => resolve()));
});

afterAll(async () => {
  for (const c of cleanups) await c();
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
  await gateway?.close();
});

describe('identity in the browser (real Chromium)', () => {
  it('a page of another origin cannot open the gateway WebSocket, so its emergency stop never arrives', async () => {
    const operator = await RawClient.greeted(gateway.url, 'operator', 'Remote Tech');
    cleanups.push(async () => operator.close());
    const page = await (await browser.newContext()).newPage();
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    await page.goto(`${evilOrigin}/`);
    const outcome = await page.evaluate(
      ({ url, protocol }) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url, protocol);
          ws.onopen = () => {
            ws.send(JSON.stringify({ type: 'onsite', id: 'evil-stop-1', action: { name: 'emergency.stop', reason: 'prank' } }));
            resolve('open');
          };
          ws.onerror = () => resolve('refused');
        }),
      { url: gateway.url, protocol: SUBPROTOCOL },
    );
    expect(outcome).toBe('refused');
    const refused = gateway.store.auditTrail().filter((r) => r.code === ErrorCode.ORIGIN_FORBIDDEN);
    expect(refused.at(-1)).toMatchObject({ action: 'websocket upgrade', peer: '127.0.0.1', detail: { origin: evilOrigin } });
    expect(gateway.store.auditTrail().some((r) => r.action.includes('emergency'))).toBe(false);
    expect(gateway.snapshot().state).toBe('idle');
    // The site's own operator is untouched and still commands.
    // Nobody granted it control: refused for that reason, not by any stop.
    expect(await operator.command('after-evil-open', OPEN_EXAM)).toMatchObject({ code: ErrorCode.NOT_CONTROL_HOLDER });
    expect(gateway.snapshot().participants.map((p) => p.role)).toEqual(['operator']);
  });

  it("the onsite console refuses a wrong password with the gateway's reason, and checks in with the account's MR level", async () => {
    await ensureTestAccount(gateway, 'Level Two Tech', ['onsite'], 'mr2');
    const page = await (await browser.newContext()).newPage();
    await page.goto(gateway.onsiteUrl);
    await page.getByTestId('onsite-user').fill(testUserId('Level Two Tech'));
    await page.getByTestId('onsite-password').fill('not the password');
    await page.getByTestId('onsite-connect').click();
    await page.getByTestId('onsite-signin-error').filter({ hasText: ErrorCode.SIGN_IN_FAILED }).waitFor({ timeout: SETTLE_BUDGET_MS });
    await page.getByTestId('onsite-password').fill(TEST_PASSWORD);
    await page.getByTestId('onsite-connect').click();
    await page
      .getByTestId('onsite-link-status')
      .filter({ hasText: /Connected/ })
      .waitFor({ timeout: SETTLE_BUDGET_MS });
    await page.getByTestId('onsite-check-in').click();
    await page.getByTestId('presence-status').filter({ hasText: 'Level Two Tech checked in · Level 2 MR personnel' }).waitFor({ timeout: SETTLE_BUDGET_MS });
    await page.getByTestId('onsite-check-out').click();
    await page.context().close();
  });

  it('the workstation connect screen shows a refused sign-in with its code, and signs in with the right password', async () => {
    await ensureTestAccount(gateway, 'Trainer');
    const workstation = await startWorkstation(gateway.url);
    cleanups.push(workstation.close);
    const page = await (await browser.newContext()).newPage();
    await page.goto(workstation.shell.url);
    await page.getByTestId('connect-role').selectOption('observer');
    await page.getByTestId('connect-user').fill(testUserId('Trainer'));
    await page.getByTestId('connect-password').fill('not the password');
    await page.getByTestId('connect-submit').click();
    await page.getByTestId('connect-error').filter({ hasText: ErrorCode.SIGN_IN_FAILED }).waitFor({ timeout: SETTLE_BUDGET_MS });
    // The form forgot the password it sent.
    expect(await page.getByTestId('connect-password').inputValue()).toBe('');
    await page.getByTestId('connect-password').fill(TEST_PASSWORD);
    await page.getByTestId('connect-submit').click();
    await page
      .getByTestId('link-status')
      .filter({ hasText: /connected/i })
      .waitFor({ timeout: SETTLE_BUDGET_MS });
    expect(gateway.snapshot().participants.some((p) => p.role === 'observer' && p.name === 'Trainer')).toBe(true);
  });
});
