/**
 * An onsite console opened (or reloaded) in the middle of an exam shows the exam's newest image at
 * once, or the image the last mark is on, from what the gateway holds (onsite/src/join-images.ts),
 * instead of an empty frame until the scanner sends the next image.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ExamCatalogueMessage } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { SETTLE_BUDGET_MS, startTestGateway, type RawClient } from '../helpers/gateway.js';
import { joinWithHeartbeat, runLocalizer } from '../helpers/exam-images.js';
import type { OnsiteClient } from '../helpers/onsite.js';
import { openOnsiteConsole } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
let operator: RawClient;
let onsite: OnsiteClient;
let held: string[];
const pages: Page[] = [];

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  gateway = await startTestGateway({ timeScale: 50 });
  operator = await joinWithHeartbeat(gateway, 'operator', 'Rita Remote');
  onsite = await runLocalizer(gateway, operator, 'Rita Remote');
  const catalogue = (operator.messages.filter((m) => m.type === 'exam.catalogue') as ExamCatalogueMessage[]).at(-1)!.catalogue;
  held = catalogue.series[0]!.sopInstanceUids;
  browser = await launchChromium();
});

afterAll(async () => {
  for (const page of pages) await page.context().close();
  await browser?.close();
  onsite?.close();
  operator?.close();
  await gateway?.close();
});

async function freshConsole(name: string): Promise<Page> {
  const page = await openOnsiteConsole(browser, gateway, name, { checkIn: false });
  pages.push(page);
  return page;
}

const shownUid = (page: Page) => page.getByTestId('onsite-image').getAttribute('data-sop-instance-uid');

describe.skipIf(!chromiumAvailable())('an onsite console opened mid-exam', () => {
  it('shows the newest image the gateway holds, without waiting for the next one', async () => {
    expect(held.length).toBeGreaterThan(1);
    const page = await freshConsole('Olivia Onsite');
    await expect.poll(() => shownUid(page).catch(() => null), { timeout: SETTLE_BUDGET_MS }).toBe(held.at(-1));
    expect(await page.getByTestId('onsite-image-caption').textContent()).toMatch(new RegExp(`image ${held.length} · newest$`));
  });

  it('shows the image the last mark is on, with the mark, and the newest at "Follow newest"', async () => {
    const marked = held[1]!;
    const ack = await operator.collab({
      name: 'mark.add',
      sopInstanceUid: marked,
      shape: 'arrow',
      points: [
        [10, 20],
        [60, 80],
      ],
    });
    expect(ack.outcome).toBe('done');
    const page = await freshConsole('Otto Onsite');
    await expect.poll(() => shownUid(page).catch(() => null), { timeout: SETTLE_BUDGET_MS }).toBe(marked);
    expect(await page.getByTestId('onsite-image-caption').textContent()).toMatch(/image 2 · held$/);
    expect(await page.getByTestId('onsite-mark').count()).toBe(1);
    await page.getByTestId('onsite-follow-newest').click();
    await expect.poll(() => shownUid(page)).toBe(held.at(-1));
  });
});
