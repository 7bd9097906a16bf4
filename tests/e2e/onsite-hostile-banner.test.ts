import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { ErrorCode, MAX_FRAME_BYTES, type EventMessage } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { RawClient, startTestGateway } from '../helpers/gateway.js';
import { signInOnsiteConsole } from '../helpers/onsite-page.js';

/**
 * The onsite console's red banner when its gateway sends more than a sound one would: the page's
 * WebSocket is routed through Playwright, which passes every frame both ways and adds frames of
 * the test's as if the gateway had sent them. The page is the built one (dist/onsite).
 */

let gateway: Gateway;
let browser: Browser;
let operator: RawClient;
let page: Page;
let route: WebSocketRoute | null = null;
let injected = 0;

/** A notice as the gateway sends it, numbered past any of its own. */
const notice = (level: 'info' | 'alarm', text: string) =>
  JSON.stringify({ type: 'event', seq: 1_000_000 + ++injected, at: new Date().toISOString(), body: { kind: 'notice', level, text } });

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  operator = await RawClient.greeted(gateway.url, 'operator', 'Rita Remote');
  page = await (await browser.newContext()).newPage();
  await page.routeWebSocket(/.*/, (ws) => {
    ws.connectToServer();
    route = ws;
  });
  await signInOnsiteConsole(page, gateway, 'Olivia Onsite');
});

afterAll(async () => {
  operator?.close();
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!chromiumAvailable())('the onsite console’s red banner, from a gateway that sends more than a sound one', () => {
  it('keeps a call for help after 250 routine notices, says who saw it, and ends it when acknowledged here', async () => {
    const banner = page.getByTestId('onsite-alarm');
    await page.getByTestId('call-help').click();
    await expect.poll(() => banner.textContent()).toMatch(/HELP CALLED by Olivia Onsite/);
    const call = await operator.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.alarm?.kind === 'help-call');

    for (let i = 0; i < 250; i++) route!.send(notice('info', `routine note ${i}`));
    await expect.poll(() => page.getByTestId('onsite-log').textContent()).toContain('routine note 249');
    expect(await banner.count()).toBe(1);
    expect(await banner.textContent()).toMatch(/HELP CALLED by Olivia Onsite/);
    expect(await page.getByTestId('onsite-alarm-seen').textContent()).toBe(' · not yet seen by a remote technologist');

    expect((await operator.collab({ name: 'alarm.acknowledge', seq: call.seq })).outcome).toBe('done');
    await expect.poll(() => page.getByTestId('onsite-alarm-seen').textContent()).toMatch(/^ · seen by Rita Remote at \d\d:\d\d:\d\d$/);
    await page.getByTestId('onsite-alarm-acknowledge').click();
    await expect.poll(() => banner.count()).toBe(0);
  });

  it('drops a frame larger than any client accepts, says so, stays connected, and shows the emergency stop after it', async () => {
    route!.send(notice('info', 'z'.repeat(MAX_FRAME_BYTES)));
    await page.getByTestId('estop').click();
    await page.getByTestId('estop-confirm').click();
    await expect.poll(() => page.getByTestId('onsite-alarm').textContent()).toMatch(/EMERGENCY STOP by Olivia Onsite/);
    await expect.poll(() => page.getByTestId('onsite-unread').getAttribute('title')).toMatch(new RegExp(`^${ErrorCode.FRAME_TOO_LARGE}: `));
    expect(await page.getByTestId('onsite-unread').textContent()).toMatch(/A message from the gateway could not be read/);
    expect(await page.getByTestId('onsite-log').textContent()).not.toContain('zzz');
    expect(await page.getByTestId('onsite-link-status').textContent()).toMatch(/Connected/);
    expect(await page.getByTestId('presence-status').textContent()).toMatch(/Olivia Onsite checked in/);
  });
});
