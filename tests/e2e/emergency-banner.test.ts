import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { onsiteGrants, type OnsiteClient } from '../helpers/onsite.js';
import { openExamAndQueue, openWorkstationPage } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
let onsite: OnsiteClient;
let operator: Page;
let observer: Page;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote', cleanups);
  observer = await openWorkstationPage(browser, gateway, 'observer', 'Tom Trainer', cleanups);
  onsite = await onsiteGrants(gateway, 'Rita Remote', 'Olivia Onsite');
  await openExamAndQueue(operator, 'localizer');
});

afterAll(async () => {
  onsite?.close();
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!chromiumAvailable())('event log', () => {
  it('keeps following new entries, and after the user scrolls up offers a "new entries" button that brings them back', async () => {
    const log = operator.getByTestId('event-log');
    const queueMore = async (n: number) => {
      for (let i = 0; i < n; i++) await operator.evaluate(() => window.larmor!.commands.send({ name: 'sequence.queue', protocolId: 't2-tse-ax' }));
    };
    const distanceFromBottom = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

    await queueMore(12);
    await expect.poll(distanceFromBottom).toBeLessThan(24);
    await expect.poll(() => log.getAttribute('data-following')).toBe('true');

    await log.hover();
    await operator.mouse.wheel(0, -2000);
    await expect.poll(distanceFromBottom).toBeGreaterThan(24);
    await queueMore(2);
    await expect.poll(() => operator.getByTestId('log-new-entries').isVisible()).toBe(true);
    expect(await distanceFromBottom()).toBeGreaterThan(24); // the reader's place is kept

    await operator.getByTestId('log-new-entries').click();
    await expect.poll(distanceFromBottom).toBeLessThan(24);
    await queueMore(3);
    await expect.poll(distanceFromBottom).toBeLessThan(24);
    expect(await operator.getByTestId('log-new-entries').count()).toBe(0);
  });
});

describe.skipIf(!chromiumAvailable())('emergency stop banner', () => {
  it('shows a red banner with who, when and why on the operator and the observer workstations, with the alarm on', async () => {
    expect((await onsite.confirmChecklist()).outcome).toBe('done');
    await operator.getByTestId('btn-start').click();
    const startOutcome = operator.locator('[data-testid="command-outcome"][data-origin="scan"]');
    await expect.poll(() => startOutcome.getAttribute('data-state')).toBe('done');
    await operator
      .getByTestId('scanner-state')
      .filter({ hasText: /acquiring/i })
      .waitFor({ timeout: SETTLE_BUDGET_MS });
    const ack = await onsite.act({ name: 'emergency.stop', reason: 'patient pressed the call button' });
    expect(ack.outcome).toBe('done');
    for (const page of [operator, observer]) {
      const banner = page.getByTestId('emergency-banner');
      await banner.waitFor({ timeout: SETTLE_BUDGET_MS });
      expect(await banner.getAttribute('role')).toBe('alert');
      expect(await page.getByTestId('emergency-by').textContent()).toBe('Olivia Onsite');
      expect(await page.getByTestId('emergency-reason').textContent()).toBe('patient pressed the call button');
      expect(await banner.textContent()).toMatch(/\d\d:\d\d:\d\d/);
      // The alarm context exists; whether the browser lets it sound yet depends on a user gesture.
      await expect.poll(() => banner.getAttribute('data-alarm')).toMatch(/^(running|suspended)$/);
      const box = await banner.boundingBox();
      const width = await page.evaluate(() => document.documentElement.clientWidth);
      expect(box!.width).toBeGreaterThan(width * 0.9); // full width
      // The event log words it from the alarm the notice carries (gateway -> core -> window).
      await expect
        .poll(() => page.getByTestId('event-log').textContent())
        .toMatch(/(Scan stopped by onsite emergency stop|Onsite emergency stop) \(Olivia Onsite\)/);
      // The scan the stop ended no longer reads "Start: Done" under the buttons.
      if (page === operator) await expect.poll(() => startOutcome.count()).toBe(0);
      if (process.env.LARMOR_SHOT_DIR)
        await page.screenshot({ path: `${process.env.LARMOR_SHOT_DIR}/emergency-${page === operator ? 'operator' : 'observer'}.png` });
    }
  });

  it('goes away where it is acknowledged, and only there; the operator’s acknowledgement is told to onsite staff', async () => {
    const seenBy = () => onsite.raw.messages.flatMap((m) => (m.type === 'event' && m.body.kind === 'notice' && m.body.seen ? [m.body.seen.by] : []));
    await operator.getByTestId('emergency-acknowledge').click();
    await expect.poll(() => operator.getByTestId('emergency-banner').count()).toBe(0);
    expect(await observer.getByTestId('emergency-banner').count()).toBe(1);
    await expect.poll(seenBy, { timeout: SETTLE_BUDGET_MS }).toEqual(['Rita Remote']);
    expect(gateway.store.auditTrail().some((r) => r.action === 'collab alarm.acknowledge' && r.actor === 'Rita Remote')).toBe(true);
    await observer.getByTestId('emergency-acknowledge').click();
    await expect.poll(() => observer.getByTestId('emergency-banner').count()).toBe(0);
    // Observers are receive-only: theirs stays in their own window and journal.
    expect(seenBy()).toEqual(['Rita Remote']);
  });
});
