import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import type { ObserverPhi } from '../../gateway/server/observer-phi.js';
import { launchChromium } from '../helpers/browser.js';
import { storescu } from '../helpers/dcmtk.js';
import { SAMPLES_DIR } from '../helpers/dicom-samples.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openWorkstationPage } from '../helpers/onsite-page.js';

let gateway: Gateway | undefined;
let browser: Browser | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await browser?.close();
  await gateway?.close();
  browser = undefined;
  gateway = undefined;
});

/** An observer's viewer after DCMTK pushed MR_small.dcm (patient "CompressedSamples^MR1", ID 4MR1). */
async function observerOverlay(observerPhi: ObserverPhi): Promise<string> {
  gateway = await startTestGateway({ observerPhi, dicom: { port: 0 } });
  browser = await launchChromium();
  const page = await openWorkstationPage(browser, gateway, 'observer', 'Student', cleanups);
  await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small.dcm')]);
  const topLeft = page.getByTestId('overlay-top-left');
  await topLeft.waitFor({ timeout: SETTLE_BUDGET_MS });
  return (await topLeft.textContent()) ?? '';
}

describe('observer viewer under the observer PHI policy', () => {
  it('none: the overlay says De-identified and shows neither name nor ID', async () => {
    const text = await observerOverlay('none');
    expect(text).toContain('De-identified');
    expect(text).not.toMatch(/CompressedSamples|4MR1/);
  });

  it('full: the overlay shows the patient as in the image', async () => {
    const text = await observerOverlay('full');
    expect(text).toContain('CompressedSamples');
    expect(text).not.toContain('De-identified');
  });
});
