import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openOnsiteConsole, openWorkstationPage } from '../helpers/onsite-page.js';
import { presentedFrames } from '../helpers/video-frames.js';

let gateway: Gateway;
let browser: Browser;
let operator: Page;
let second: Page;
let onsite: Page;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  onsite = await openOnsiteConsole(browser, gateway);
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote', cleanups);
});

afterAll(async () => {
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

/** The onsite console keeps showing new frames from the operator: `more` beyond what it had. */
async function operatorVideoKeepsFlowing(more = 30): Promise<void> {
  const before = await presentedFrames(onsite, 'operator');
  await expect.poll(() => presentedFrames(onsite, 'operator'), { timeout: SETTLE_BUDGET_MS }).toBeGreaterThan(before + more);
}

describe.skipIf(!chromiumAvailable())('one workstation, one window', () => {
  it('has the call running between the operator and the scanner room', async () => {
    await operatorVideoKeepsFlowing();
  });

  it('lets a second tab of the same workstation take over: the first says so and releases its media, the call goes on', async () => {
    second = await operator.context().newPage();
    await second.goto(operator.url());
    await operator.getByTestId('window-displaced').waitFor({ timeout: SETTLE_BUDGET_MS });
    expect(await operator.getByTestId('window-displaced').textContent()).toMatch(/opened in another window/);
    expect(await operator.getByTestId('video-panes').count()).toBe(0);
    await second.getByTestId('video-panes').waitFor({ timeout: SETTLE_BUDGET_MS });
    await operatorVideoKeepsFlowing();
    // Never two media peers for one participant: one operator pane at the scanner room.
    expect(await onsite.locator('[data-testid="remote-pane"][data-peer-role="operator"]').count()).toBe(1);
    await expect.poll(async () => await operator.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
  });

  it('lets the first window take it back, and the call still goes on', async () => {
    await operator.getByTestId('window-take-back').click();
    await second.getByTestId('window-displaced').waitFor({ timeout: SETTLE_BUDGET_MS });
    await operator.getByTestId('video-panes').waitFor({ timeout: SETTLE_BUDGET_MS });
    await operatorVideoKeepsFlowing();
    expect(await onsite.locator('[data-testid="remote-pane"][data-peer-role="operator"]').count()).toBe(1);
  });
});

describe.skipIf(!chromiumAvailable())('observer invitation', () => {
  it('copies a "join as observer" invitation for this gateway', async () => {
    await operator.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await operator.getByTestId('observer-invite-copy').click();
    const copied = async () =>
      (await operator.getByTestId('observer-invite-text').count()) > 0
        ? operator.getByTestId('observer-invite-text').inputValue()
        : operator.evaluate(() => navigator.clipboard.readText()).catch(() => '');
    await expect.poll(copied).toContain(gateway.url);
    expect(await copied()).toMatch(/observer/i);
  });
});
