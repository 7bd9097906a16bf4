import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ErrorCode } from '../../protocol/errors.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { RawClient, SETTLE_BUDGET_MS, startTestGateway } from '../helpers/gateway.js';
import { openExamAndQueue, openOnsiteConsole, openWorkstationPage } from '../helpers/onsite-page.js';

/** UTC+14 all year: its time of day is never the UTC one. */
const CONSOLE_ZONE = 'Pacific/Kiritimati';

/** hh:mm:ss of an ISO time in `zone`. */
function clockIn(zone: string, iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

let gateway: Gateway;
let browser: Browser;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

describe('onsite console page', () => {
  it('is served by the gateway at /onsite with a strict CSP', async () => {
    const res = await fetch(gateway.onsiteUrl);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(await res.text()).toMatch(/<div id="root">/);
  });

  it('serves nothing outside its own folder', async () => {
    const res = await fetch(`${gateway.onsiteUrl}/..%2f..%2fpackage.json`);
    expect(res.status).toBe(404);
  });
});

describe.skipIf(!chromiumAvailable())('onsite console and workstation through a real gateway', () => {
  let onsite: Page;
  let operator: Page;

  it('lets the checked-in onsite technologist grant control to the remote operator', async () => {
    // In a time zone far from the gateway's UTC stamps: the console shows the control room's clock.
    onsite = await openOnsiteConsole(browser, gateway, 'Onsite Tech', { timezoneId: CONSOLE_ZONE });
    operator = await openWorkstationPage(browser, gateway, 'operator', 'Remote Tech', cleanups);
    await onsite.locator('[data-testid="control-grant"][data-operator="Remote Tech"]').click();
    await expect.poll(() => onsite.getByTestId('control-holder').textContent()).toMatch(/Remote Tech has control/);
    // A sequence of minutes, so the emergency stop below finds it still acquiring however slow the pages are.
    await openExamAndQueue(operator, 't1-se-ax');
    await expect.poll(() => operator.getByTestId('queue-item').count()).toBe(1);
  });

  it('confirms the screening and positioning checklist for the exam', async () => {
    for (const box of await onsite.locator('[data-testid^="checklist-"][type="checkbox"]').all()) await box.check();
    await onsite.getByTestId('checklist-confirm').click();
    await expect.poll(() => onsite.getByTestId('checklist-status').textContent()).toMatch(/Confirmed by Onsite Tech/);
    // Said once, where the checklist is: no "Checklist: done" line under it.
    await expect.poll(() => onsite.getByTestId('onsite-outcome').count()).toBe(0);
  });

  it('refuses an acquisition while nobody is checked in onsite, and allows it after check-in', async () => {
    await onsite.getByTestId('onsite-check-out').click();
    await expect.poll(() => onsite.getByTestId('presence-status').textContent()).toMatch(/Nobody is checked in/);
    const refused = await operator.evaluate(() => window.larmor!.commands.send({ name: 'scan.start' }));
    expect(refused).toMatchObject({ state: 'rejected', code: ErrorCode.ONSITE_NOT_PRESENT });
    expect(gateway.snapshot().activeSequenceId).toBeNull();

    await onsite.getByTestId('onsite-check-in').click();
    await expect.poll(() => onsite.getByTestId('presence-status').textContent()).toMatch(/Onsite Tech checked in/);
    await operator.getByTestId('btn-start').click();
    await expect.poll(() => operator.getByTestId('queue-item').first().getAttribute('data-status')).toBe('acquiring');
    await expect.poll(() => onsite.getByTestId('onsite-scanner-state').getAttribute('data-state')).toBe('acquiring');
    expect(await onsite.getByTestId('onsite-scanner-state').textContent()).toBe('▶ Acquiring');
    // Time left as the workstation shows it, m:ss.
    expect(await onsite.getByTestId('onsite-scanner-state').locator('..').textContent()).toMatch(/T1 SE axial \d+ % · \d+:\d\d left$/);
  });

  it('stops the acquisition and revokes control on an emergency stop from the onsite console, and the operator sees why', async () => {
    await onsite.getByTestId('estop').click();
    await onsite.getByTestId('estop-reason').fill('patient pressed the call button');
    await onsite.getByTestId('estop-confirm').click();
    await expect.poll(() => operator.getByTestId('queue-item').first().getAttribute('data-status')).toBe('aborted');
    await expect
      .poll(() => operator.getByTestId('event-log').textContent())
      .toMatch(/EMERGENCY STOP by Onsite Tech: acquisition stopped; remote control revoked from Remote Tech/);
    expect(gateway.snapshot().control.holderSessionId).toBeNull();
    await expect.poll(() => onsite.getByTestId('control-holder').textContent()).toMatch(/Control is onsite/);
    await expect.poll(() => onsite.getByTestId('onsite-alarm').textContent()).toMatch(/EMERGENCY STOP/);
    // It stands until acknowledged here, then the log keeps it.
    await onsite.getByTestId('onsite-alarm-acknowledge').click();
    await expect.poll(() => onsite.getByTestId('onsite-alarm').count()).toBe(0);
    expect(await onsite.getByTestId('onsite-log').textContent()).toMatch(/EMERGENCY STOP by Onsite Tech/);
    // The red banner says it; no green "Emergency stop: done" beside it.
    expect(await onsite.getByTestId('onsite-outcome').count()).toBe(0);
    const again = await operator.evaluate(() => window.larmor!.commands.send({ name: 'scan.start' }));
    expect(again).toMatchObject({ state: 'rejected', code: ErrorCode.NOT_CONTROL_HOLDER });
  });

  it('sounds the alarm while the operator holding control has lost the link, until the link is back; silencing stops only the tone', async () => {
    const lost = await RawClient.greeted(gateway.url, 'operator', 'Lost Tech');
    // It heartbeats, as a workstation would, until its link is cut below.
    const heartbeat = setInterval(() => {
      if (lost.ws.readyState === lost.ws.OPEN) lost.sendJson({ type: 'ping', t: Date.now() });
    }, gateway.heartbeatIntervalMs / 2);
    try {
      await onsite.locator('[data-testid="control-grant"][data-operator="Lost Tech"]').click();
      await expect.poll(() => gateway.snapshot().control.holderName, { timeout: SETTLE_BUDGET_MS }).toBe('Lost Tech');
    } finally {
      clearInterval(heartbeat);
    }
    lost.ws.terminate();

    const alarm = onsite.getByTestId('operator-loss');
    await expect.poll(() => alarm.textContent(), { timeout: SETTLE_BUDGET_MS }).toMatch(/Lost Tech: link lost since/);
    const since = gateway.snapshot().onsite!.operatorLoss!.since;
    expect(await alarm.textContent()).toContain(`link lost since ${clockIn(CONSOLE_ZONE, since)};`);
    await expect.poll(() => alarm.getAttribute('data-alarm')).toMatch(/^(running|suspended)$/);
    // Said in the tab's title as well, for a console behind another tab.
    expect(await onsite.title()).toBe('▲ Lost Tech: link lost · Larmor onsite console');
    expect(await onsite.getByTestId('onsite-alarm').textContent()).toMatch(/Operator Lost Tech: link lost/);
    // It ends with the loss, not with a click.
    expect(await onsite.getByTestId('onsite-alarm-acknowledge').count()).toBe(0);
    expect(await onsite.getByTestId('control-holder').textContent()).toMatch(/^▲ Control reserved for Lost Tech until \d\d:\d\d:\d\d \(link lost\)$/);
    // The workstation beside it says the same: control is kept, not free.
    await expect
      .poll(() => operator.getByTestId('control-line').textContent())
      .toMatch(/^Control: ▲ reserved for Lost Tech until \d\d:\d\d:\d\d \(link lost\)$/);

    await onsite.getByTestId('operator-loss-silence').click();
    await expect.poll(() => alarm.getAttribute('data-alarm')).toBe('silent');
    expect(await alarm.textContent()).toMatch(/Lost Tech: link lost since/);

    // Back within the grace period: control is theirs again, and the alarm and the title's words go.
    const back = await RawClient.greeted(gateway.url, 'operator', 'Lost Tech', { resumeSecret: lost.resumeSecret });
    await expect.poll(() => alarm.count(), { timeout: SETTLE_BUDGET_MS }).toBe(0);
    expect(gateway.snapshot().control.holderName).toBe('Lost Tech');
    expect(await onsite.title()).toBe('Larmor onsite console');
    await expect.poll(() => onsite.getByTestId('control-holder').textContent()).toMatch(/Lost Tech has control/);
    await expect.poll(() => operator.getByTestId('control-line').textContent()).toBe('Control: Lost Tech');
    // The banner said the link was lost: it goes too (the event log keeps it).
    await expect.poll(() => onsite.getByTestId('onsite-alarm').count()).toBe(0);
    expect(await onsite.getByTestId('onsite-log').textContent()).toMatch(/Operator Lost Tech: link lost/);
    back.close();
  });
});

describe('onsite emergency stop, armed', () => {
  it('stays armed while a reason is typed, disarms itself 8 s after the last keystroke, and Escape cancels it', async () => {
    const page = await openOnsiteConsole(browser, gateway, 'Armed Onsite', { checkIn: false });
    const lastEmergency = gateway.snapshot().onsite?.lastEmergency ?? null;
    const clock = page.context().clock;
    // The page's own time, stopped: only the steps below move it.
    await clock.install();
    await clock.pauseAt(Date.now() + 1_000);
    await page.getByTestId('estop').click();
    await clock.runFor(7_000);
    await page.getByTestId('estop-reason').pressSequentially('coil');
    await clock.runFor(7_000); // 14 s after arming, 7 s after the last key
    expect(await page.getByTestId('estop-confirm').isVisible()).toBe(true);
    await clock.runFor(1_500);
    await page.getByTestId('estop').waitFor();

    await page.getByTestId('estop').click();
    await page.getByTestId('estop-confirm').waitFor();
    await page.keyboard.press('Escape'); // no time passes: Escape alone disarms it
    await page.getByTestId('estop').waitFor();
    expect(gateway.snapshot().onsite?.lastEmergency ?? null).toEqual(lastEmergency); // nothing was stopped
    await page.context().close();
  });
});
