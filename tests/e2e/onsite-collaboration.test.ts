import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { EventMessage } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { RawClient, startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openOnsiteConsole, openWorkstationPage } from '../helpers/onsite-page.js';

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

describe.skipIf(!chromiumAvailable())('onsite console: contingency plans and calling for help', () => {
  it('shows the site’s written plans, and a new version as soon as it is written', async () => {
    gateway.store.collaboration.setPlan('power-outage', 'Stay with the patient. Use the manual table release.', 'Site Admin');
    const page = await openOnsiteConsole(browser, gateway, 'Onsite Tech', { checkIn: false });
    const plans = page.getByTestId('onsite-plans');
    await expect.poll(() => plans.textContent()).toMatch(/Power outage\s*version 1/);
    gateway.store.collaboration.setPlan('communication-failure', 'Call the remote technologist on 555-0100.', 'Site Admin');
    await expect.poll(() => plans.textContent(), { timeout: SETTLE_BUDGET_MS }).toMatch(/Communication failure\s*version 1/);
    await plans.getByText('Communication failure').click();
    await expect.poll(() => plans.textContent()).toMatch(/Call the remote technologist on 555-0100\./);
    await page.context().close();
  });

  it('says on a call for help that no remote technologist is connected, when none is', async () => {
    const page = await openOnsiteConsole(browser, gateway, 'Nina Nightshift', { checkIn: false });
    await page.getByTestId('call-help').click();
    await expect.poll(() => page.getByTestId('onsite-alarm').textContent()).toMatch(/HELP CALLED by Nina Nightshift/);
    expect(await page.getByTestId('onsite-alarm-seen').textContent()).toBe(' · no remote technologist is connected');
    await page.context().close();
  });

  it('raises an alarm for the remote technologist when onsite staff call for help, and says when it was seen', async () => {
    const operator = await RawClient.greeted(gateway.url, 'operator', 'Remote Tech');
    // A live workstation heartbeats; without it the gateway drops the operator while the page loads.
    const heartbeat = setInterval(() => operator.sendJson({ type: 'ping', t: Date.now() }), gateway.heartbeatIntervalMs / 2);
    const page = await openOnsiteConsole(browser, gateway, 'Olivia Onsite', { checkIn: false });
    await page.getByTestId('call-help').click();
    const alarm = await operator.next<EventMessage>(
      (m) => m.type === 'event' && m.body.kind === 'notice' && m.body.level === 'alarm' && /HELP CALLED by Olivia Onsite/.test(m.body.text),
    );
    const banner = page.getByTestId('onsite-alarm');
    await expect.poll(() => banner.textContent()).toMatch(/HELP CALLED by Olivia Onsite/);
    expect(await page.getByTestId('onsite-alarm-seen').textContent()).toBe(' · not yet seen by a remote technologist');
    // The banner is the call's outcome: no green "Call for help: done" besides.
    await expect.poll(() => page.getByTestId('onsite-outcome').count()).toBe(0);

    // The workstation acknowledges it (its alarm bar's Acknowledge sends this).
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: alarm.seq })).toMatchObject({ outcome: 'done' });
    await expect.poll(() => page.getByTestId('onsite-alarm-seen').textContent()).toMatch(/^ · seen by Remote Tech at \d\d:\d\d:\d\d$/);
    expect(await page.getByTestId('onsite-log').textContent()).toMatch(/Remote Tech saw the call for help by Olivia Onsite/);
    clearInterval(heartbeat);
    operator.close();
    await page.context().close();
  });

  it('sounds a call for help on a workstation connected to this one scanner, and its Acknowledge tells the onsite console', async () => {
    const workstation = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote', cleanups);
    const page = await openOnsiteConsole(browser, gateway, 'Otto Onsite', { checkIn: false });
    await page.getByTestId('call-help').click();

    // No emergency banner or failover banner carries it: the alarm bar does, with the tone.
    // Nina's call above, which no one has seen, is on the bar too: it was made before this workstation connected.
    const row = workstation.locator('[data-testid="desk-alarm"][data-kind="help-call"]').filter({ hasText: 'Otto Onsite' });
    await expect.poll(() => row.count(), { timeout: SETTLE_BUDGET_MS }).toBe(1);
    expect(await row.getByTestId('desk-alarm-text').textContent()).toMatch(/by Otto Onsite \(onsite\)/);
    expect(await workstation.getByTestId('desk-alarm-bar').getAttribute('data-alarm')).toMatch(/^(running|suspended)$/);
    expect(await row.getByTestId('desk-alarm-show').count()).toBe(0);
    // Nor does a screen reader hear of "scanner 1": there is one scanner, and the header names it.
    expect(await workstation.getByTestId('desk-alarm-bar').textContent()).not.toMatch(/scanner 1/i);

    await row.getByTestId('desk-alarm-acknowledge').click();
    await expect.poll(() => page.getByTestId('onsite-alarm-seen').textContent(), { timeout: SETTLE_BUDGET_MS }).toMatch(/^ · seen by Rita Remote at /);
    await expect.poll(() => row.count()).toBe(0);
    // Logged once on the workstation: the gateway's line naming who saw it.
    await expect.poll(() => workstation.getByTestId('event-log').textContent()).toMatch(/Rita Remote saw the call for help by Otto Onsite/);
    expect(await workstation.getByTestId('event-log').textContent()).not.toMatch(/alarm acknowledged/);
    await page.context().close();
  });
});

describe.skipIf(!chromiumAvailable())('a call for help made before the console was opened, or anyone connected', () => {
  let own: Gateway;
  beforeAll(async () => {
    own = await startTestGateway();
  });
  afterAll(async () => {
    await own?.close();
  });

  it('is in a reloaded console’s events and banner until seen, reaches the workstation that connects next, and shows who saw it', async () => {
    const first = await openOnsiteConsole(browser, own, 'Nina Nightshift', { checkIn: false });
    await first.getByTestId('call-help').click();
    await expect.poll(() => first.getByTestId('onsite-alarm').textContent()).toMatch(/HELP CALLED by Nina Nightshift/);
    await first.context().close();

    // The console opened again (a reload, a tablet that slept): the call is there, still unanswered.
    const reloaded = await openOnsiteConsole(browser, own, 'Nina Nightshift', { checkIn: false });
    await expect.poll(() => reloaded.getByTestId('onsite-log').textContent()).toMatch(/HELP CALLED by Nina Nightshift/);
    expect(await reloaded.getByTestId('onsite-alarm').textContent()).toMatch(/HELP CALLED by Nina Nightshift/);
    expect(await reloaded.getByTestId('onsite-alarm-seen').textContent()).toBe(' · no remote technologist is connected');

    // The first technologist to connect gets it on the alarm bar, and acknowledges it.
    const workstation = await openWorkstationPage(browser, own, 'operator', 'Rita Remote', cleanups);
    const row = workstation.locator('[data-testid="desk-alarm"][data-kind="help-call"]');
    await expect.poll(() => row.count(), { timeout: SETTLE_BUDGET_MS }).toBe(1);
    expect(await row.getByTestId('desk-alarm-text').textContent()).toMatch(/by Nina Nightshift \(onsite\)/);
    await row.getByTestId('desk-alarm-acknowledge').click();
    await expect.poll(() => reloaded.getByTestId('onsite-alarm-seen').textContent(), { timeout: SETTLE_BUDGET_MS }).toMatch(/^ · seen by Rita Remote at /);

    // Opened once more: answered, so no banner; its line in the events says who saw it.
    const later = await openOnsiteConsole(browser, own, 'Nina Nightshift', { checkIn: false });
    await expect.poll(() => later.getByTestId('onsite-log').textContent()).toMatch(/HELP CALLED by Nina Nightshift.* · seen by Rita Remote at \d\d:\d\d:\d\d/);
    expect(await later.getByTestId('onsite-alarm').count()).toBe(0);
    await reloaded.context().close();
    await later.context().close();
  });
});
