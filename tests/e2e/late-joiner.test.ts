import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { launchChromium } from '../helpers/browser.js';
import { OPEN_EXAM, startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { onsiteGrants, type OnsiteClient } from '../helpers/onsite.js';
import { openWorkstationPage } from '../helpers/onsite-page.js';
import { testLogin } from '../helpers/accounts.js';

let gateway: Gateway | undefined;
let browser: Browser | undefined;
let operator: WorkstationCore | undefined;
let onsite: OnsiteClient | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await browser?.close();
  operator?.disconnect();
  onsite?.close();
  await gateway?.close();
  browser = undefined;
  gateway = undefined;
});

/** A remote operator (a workstation core, no page) runs the localizer to the end. */
async function localizerDone(gw: Gateway): Promise<string> {
  operator = new WorkstationCore();
  await operator.connect({ url: gw.url, role: 'operator', ...testLogin('Tech') });
  onsite = await onsiteGrants(gw, 'Tech');
  expect((await operator.sendCommand(OPEN_EXAM)).state).toBe('done');
  expect((await operator.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' })).state).toBe('done');
  await onsite.confirmChecklist();
  expect((await operator.sendCommand({ name: 'scan.start' })).state).toBe('done');
  await expect.poll(() => operator!.view().exam?.series[0]?.status, { timeout: SETTLE_BUDGET_MS }).toBe('complete');
  return operator.view().exam!.series[0]!.seriesUid;
}

describe('an observer who joins after the localizer', () => {
  it('sees its series with a thumbnail in the strip and views its images, de-identified', async () => {
    gateway = await startTestGateway({ timeScale: 200 });
    const seriesUid = await localizerDone(gateway);
    const held = gateway.examImages.store.catalogue(() => 'completed', true).series[0]!.imageCount;
    browser = await launchChromium();
    const page = await openWorkstationPage(browser, gateway, 'observer', 'Observer', cleanups);

    const thumb = page.locator(`[data-testid="series-thumb"][data-series-uid="${seriesUid}"]`);
    await thumb.waitFor({ timeout: SETTLE_BUDGET_MS });
    // The thumbnail canvas is drawn (the gateway's, or the first fetched image's): not blank.
    await expect
      .poll(
        () =>
          thumb.locator('canvas').evaluate((c: HTMLCanvasElement) =>
            c
              .getContext('2d')!
              .getImageData(0, 0, c.width, c.height)
              .data.some((v, i) => i % 4 !== 3 && v > 0),
          ),
        { timeout: SETTLE_BUDGET_MS },
      )
      .toBe(true);
    // Its images are fetched and shown, all of them, with the patient's identifiers removed.
    await expect.poll(() => thumb.getAttribute('data-images'), { timeout: SETTLE_BUDGET_MS }).toBe(String(held));
    const canvas = page.getByTestId('viewport-canvas');
    await expect.poll(() => canvas.getAttribute('data-series-uid'), { timeout: SETTLE_BUDGET_MS }).toBe(seriesUid);
    expect(await page.getByTestId('overlay-top-left').textContent()).toContain('De-identified');
    expect(await page.getByTestId('overlay-top-left').textContent()).not.toContain('DOE');
  });
});
