import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { OnsiteClient } from '../helpers/onsite.js';
import { openExamAndQueue, openWorkstationPage } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
let onsite: OnsiteClient;
let operator: Page;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote', cleanups);
  onsite = await OnsiteClient.connect(gateway, 'Olivia Onsite');
});

afterAll(async () => {
  onsite?.close();
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

const startReason = () => operator.getByTestId('btn-start').getAttribute('title');

describe.skipIf(!chromiumAvailable())('the scanner room on the workstation', () => {
  it('shows that nobody is checked in', async () => {
    await expect.poll(() => operator.getByTestId('onsite-presence').textContent()).toMatch(/Nobody/);
  });

  it('shows who checked in, with their credential and a responding console', async () => {
    expect((await onsite.checkIn('mr-safety-technologist')).outcome).toBe('done');
    await expect.poll(() => operator.getByTestId('onsite-presence').textContent()).toMatch(/Olivia Onsite.*MR safety technologist/);
    await expect.poll(() => operator.getByTestId('onsite-console').textContent()).toMatch(/Responding/);
  });

  it('keeps Start disabled, saying why, until the checklist of this exam is confirmed', async () => {
    expect((await onsite.grantTo(gateway, 'Rita Remote')).outcome).toBe('done');
    // T1 FLASH: 20 images over about two minutes, so the stop lands mid-series even on a busy machine.
    await openExamAndQueue(operator, 't1-gre-ax');
    await expect.poll(startReason).toBe('The onsite safety checklist is not confirmed for this exam');
    expect(await operator.getByTestId('btn-start').isDisabled()).toBe(true);
    await expect.poll(() => operator.getByTestId('onsite-checklist').textContent()).toMatch(/Not confirmed/);

    expect((await onsite.confirmChecklist()).outcome).toBe('done');
    await expect.poll(() => operator.getByTestId('onsite-checklist').textContent()).toMatch(/Confirmed by Olivia Onsite/);
    await expect.poll(() => operator.getByTestId('btn-start').isEnabled()).toBe(true);
  });

  it('marks a series stopped by the emergency stop as "stopped early", not "receiving"', async () => {
    await operator.getByTestId('btn-start').click();
    const thumb = operator.getByTestId('series-thumb').first();
    await thumb.waitFor({ timeout: SETTLE_BUDGET_MS });
    expect((await onsite.act({ name: 'emergency.stop', reason: 'patient moving' })).outcome).toBe('done');
    await expect.poll(() => thumb.getAttribute('data-status')).toBe('stopped');
    expect(await thumb.getByTestId('series-status').textContent()).toMatch(/stopped early/);
  });
});
