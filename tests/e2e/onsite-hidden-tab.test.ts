import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromiumAsInUse } from '../helpers/browser.js';
import { SETTLE_BUDGET_MS, startTestGateway } from '../helpers/gateway.js';
import { signInOnsiteConsole } from '../helpers/onsite-page.js';

/**
 * The onsite console in a tab behind another one, as staff leave it to look something up, on a
 * computer without camera or microphone: the page is hidden, and Chromium wakes its timers at
 * most once a second, and after a minute or so once a minute (docs/architecture.md "Link
 * health"). The console's heartbeats must still go at the gateway's interval
 * (onsite/src/heartbeat-clock.ts), or a console left behind a tab counts as not responding, and
 * then as gone (safety rule 1). This test waits for the first of the two only.
 */

/** Chromium wakes a hidden page's timers at most this often ("throttling of hidden pages"). */
const HIDDEN_PAGE_WAKE_UP_MS = 1000;
/** Gaps measured between heartbeats, and between the control timer's ticks. */
const GAPS = 12;

/**
 * Before the page's own script: when each heartbeat leaves; and no camera or microphone, since
 * Chromium does not slow a page that has them open (the call would otherwise open the test's
 * fake devices).
 */
const RECORD = `
  window.__pings = [];
  window.__ticks = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && data.startsWith('{"type":"ping"')) window.__pings.push(performance.now());
    return send.call(this, data);
  };
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
`;

let gateway: Gateway;
let chromium: Awaited<ReturnType<typeof launchChromiumAsInUse>>;
let browser: Browser;
let onsite: Page;

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  gateway = await startTestGateway();
  chromium = await launchChromiumAsInUse();
  browser = chromium.browser;
  const context = browser.contexts()[0]!;
  onsite = context.pages()[0] ?? (await context.newPage());
  await onsite.addInitScript(RECORD);
  await signInOnsiteConsole(onsite, gateway, 'Onsite Tech');
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await gateway?.close();
});

/** Median of the last GAPS gaps between the times in `name` (window.__pings or __ticks). */
async function medianGap(page: Page, name: '__pings' | '__ticks', since: number): Promise<number> {
  await expect
    .poll(() => page.evaluate(([n, t]) => (window as unknown as Record<string, number[]>)[n]!.filter((at) => at > t).length, [name, since] as const), {
      timeout: SETTLE_BUDGET_MS,
    })
    .toBeGreaterThan(GAPS);
  const times = await page.evaluate(([n, t]) => (window as unknown as Record<string, number[]>)[n]!.filter((at) => at > t), [name, since] as const);
  const gaps = times
    .slice(-GAPS - 1)
    .map((at, i, all) => at - (all[i - 1] ?? at))
    .slice(1)
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

describe.skipIf(!chromiumAvailable())('the onsite console in a tab behind another', () => {
  it('keeps its heartbeat at the gateway’s interval while the page is hidden', async () => {
    const other = await browser.contexts()[0]!.newPage();
    await other.bringToFront();
    expect(await onsite.evaluate(() => document.visibilityState)).toBe('hidden');

    // The control: a timer of the page's own, at the heartbeat's interval, wakes once a second.
    const since = await onsite.evaluate((intervalMs) => {
      const ticks = (window as unknown as { __ticks: number[] }).__ticks;
      setInterval(() => ticks.push(performance.now()), intervalMs);
      return performance.now();
    }, gateway.heartbeatIntervalMs);
    expect(await medianGap(onsite, '__ticks', since)).toBeGreaterThanOrEqual(HIDDEN_PAGE_WAKE_UP_MS * 0.9);

    // The heartbeat keeps its interval, well inside the second the page's timers wait.
    expect(await medianGap(onsite, '__pings', since)).toBeLessThan(HIDDEN_PAGE_WAKE_UP_MS / 2);
  }, 120_000);
});
