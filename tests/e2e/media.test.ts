import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openOnsiteConsole, openWorkstationPage, paneStats } from '../helpers/onsite-page.js';
import { FaultProxy } from '../helpers/fault-proxy.js';

let gateway: Gateway;
let browser: Browser;
let operator: Page;
let onsite: Page;
/** The workstation reaches the gateway through this proxy, so the test can cut its network. */
let route: FaultProxy;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  onsite = await openOnsiteConsole(browser, gateway);
  route = await FaultProxy.start(gateway.port);
  cleanups.push(() => route.close());
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Remote Tech', cleanups, route.url);
});

afterAll(async () => {
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

/** Highest audio power seen in `samples` one-second getStats samples (the fake microphone beeps). */
async function peakAudio(page: Page, from: 'operator' | 'onsite', samples = 4): Promise<number> {
  let peak = 0;
  for (let i = 0; i < samples; i++) {
    peak = Math.max(peak, (await paneStats(page, from)).audioPower ?? 0);
    await page.waitForTimeout(1000);
  }
  return peak;
}

describe.skipIf(!chromiumAvailable())('two-way audio and video between the workstation and the onsite console', () => {
  it('decodes video frames on both sides', async () => {
    await expect.poll(async () => (await paneStats(operator, 'onsite')).frames, { timeout: 20_000 }).toBeGreaterThan(10);
    await expect.poll(async () => (await paneStats(onsite, 'operator')).frames, { timeout: 20_000 }).toBeGreaterThan(10);
    const first = (await paneStats(operator, 'onsite')).frames;
    await expect.poll(async () => (await paneStats(operator, 'onsite')).frames).toBeGreaterThan(first);
    expect((await paneStats(operator, 'onsite')).videoWidth).toBeGreaterThan(0);
    expect((await paneStats(onsite, 'operator')).videoWidth).toBeGreaterThan(0);
  });

  it('carries audio both ways', async () => {
    await expect.poll(async () => (await paneStats(operator, 'onsite')).audioPower ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await paneStats(onsite, 'operator')).audioPower ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
  });

  it('shows quality figures from getStats in each pane', async () => {
    await expect
      .poll(() => operator.getByTestId('media-quality').first().textContent(), { timeout: 10_000 })
      .toMatch(/\d+×\d+ · \d+ fps · \d+ kbit\/s · loss [\d.]+ % · RTT \d+ ms/);
  });

  it('stops outgoing audio on mute: the onsite side’s audio level falls', async () => {
    const before = await peakAudio(onsite, 'operator', 5);
    expect(before).toBeGreaterThan(0);
    await operator.getByTestId('media-mute').click();
    await expect.poll(() => onsite.getByTestId('who-hears-whom').textContent()).toMatch(/hear Remote Tech \(muted\)/);
    // Silence for three whole one-second samples in a row (the fake microphone beeps every second).
    await expect.poll(() => peakAudio(onsite, 'operator', 3), { timeout: SETTLE_BUDGET_MS, interval: 0 }).toBeLessThan(before / 20);
    await operator.getByTestId('media-mute').click();
    await expect.poll(() => peakAudio(onsite, 'operator', 2), { timeout: SETTLE_BUDGET_MS, interval: 0 }).toBeGreaterThan(before / 20);
  });

  it('lets an observer receive both sides while sending nothing', async () => {
    const observer = await openWorkstationPage(browser, gateway, 'observer', 'Trainer', cleanups);
    await expect.poll(async () => (await paneStats(observer, 'onsite')).frames, { timeout: 20_000 }).toBeGreaterThan(5);
    await expect.poll(async () => (await paneStats(observer, 'operator')).frames, { timeout: 20_000 }).toBeGreaterThan(5);
    expect(await observer.getByTestId('video-panes').getAttribute('data-outgoing-tracks')).toBe('0');
    expect(await observer.getByTestId('media-receive-only').isVisible()).toBe(true);
    expect(await observer.getByTestId('media-mute').count()).toBe(0);
    // The senders' side of those connections does send: tracks flow toward the observer.
    await expect.poll(async () => Number(await operator.getByTestId('video-panes').getAttribute('data-outgoing-tracks'))).toBeGreaterThanOrEqual(4);
  });

  it('rebuilds the call on its own when the workstation’s gateway link drops and comes back', async () => {
    const pane = onsite.locator('[data-testid="remote-pane"][data-peer-role="operator"]');
    const oldSession = await pane.getAttribute('data-peer-session');
    // The operator's network drops (connection reset), as on a network change.
    route.reset();
    await expect.poll(() => pane.getAttribute('data-peer-session'), { timeout: SETTLE_BUDGET_MS }).not.toBe(oldSession);
    await expect.poll(async () => (await paneStats(onsite, 'operator')).frames, { timeout: 20_000 }).toBeGreaterThan(5);
    await expect.poll(async () => (await paneStats(operator, 'onsite')).frames, { timeout: 20_000 }).toBeGreaterThan(5);
  });

  it('shows a camera that stops sending in the pane, and reports it to the gateway’s audit trail', async () => {
    // The scanner-room camera dies (unplugged): its track ends while the console still says "camera on".
    await onsite.getByTestId('self-video').evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks()[0]!.stop());
    const pane = operator.locator('[data-testid="remote-pane"][data-peer-role="onsite"]');
    await expect.poll(() => pane.getAttribute('data-health'), { timeout: 20_000 }).toBe('failed');
    expect(await pane.textContent()).toMatch(/no video frames for \d+ s/);
    await expect
      .poll(() => gateway.store.auditTrail().some((r) => r.action === 'media health' && r.decision === 'failed' && r.actor === 'Remote Tech'))
      .toBe(true);
  });
});
