import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ErrorCode } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { onsiteGrants, type OnsiteClient } from '../helpers/onsite.js';
import { openExamAndQueue, openWorkstationPage } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
const cleanups: (() => Promise<void>)[] = [];
let onsite: OnsiteClient;

beforeAll(async () => {
  gateway = await startTestGateway({ timeScale: 100 });
  browser = await launchChromium();
});

afterAll(async () => {
  onsite?.close();
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

function openWorkstation(role: 'operator' | 'observer', name: string): Promise<Page> {
  return openWorkstationPage(browser, gateway, role, name, cleanups);
}

describe('workstation in the browser shell', () => {
  let operator: Page;
  let observer: Page;

  it('connects as operator, opens an exam, queues a sequence, starts it and watches it complete', async () => {
    operator = await openWorkstation('operator', 'Remote Tech');
    observer = await openWorkstation('observer', 'Trainer');
    // Safety rules 1 and 2: the onsite technologist checks in and grants control.
    onsite = await onsiteGrants(gateway, 'Remote Tech');

    await openExamAndQueue(operator, 'localizer');
    await expect.poll(() => operator.getByTestId('queue-item').count()).toBe(1);
    expect((await onsite.confirmChecklist()).outcome).toBe('done');

    await operator.getByTestId('btn-start').click();
    await expect.poll(() => operator.getByTestId('queue-item').first().getAttribute('data-status'), { timeout: SETTLE_BUDGET_MS }).toBe('completed');
    await expect.poll(() => operator.getByTestId('scanner-state').textContent()).toMatch(/completed/i);
    await expect.poll(() => operator.getByTestId('event-log').textContent()).toMatch(/scan\.start done/);
  });

  it('shows the observer the same session, without command controls', async () => {
    await expect.poll(() => observer.getByTestId('queue-item').first().getAttribute('data-status')).toBe('completed');
    await expect.poll(() => observer.getByTestId('observing-badge').isVisible()).toBe(true);
    expect(await observer.getByTestId('btn-start').count()).toBe(0);
  });

  it('refuses an observer command sent through the API, at the gateway', async () => {
    const outcome = await observer.evaluate(() => window.larmor!.commands.send({ name: 'sequence.queue', protocolId: 'localizer' }));
    expect(outcome).toMatchObject({ state: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
  });

  it('exposes no Node to the page', async () => {
    expect(await operator.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await operator.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  });
});
