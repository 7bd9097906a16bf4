import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ErrorCode } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { printLinkAuditIfLost, startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { openExamAndQueue, openOnsiteConsole, openWorkstationPage } from '../helpers/onsite-page.js';

/**
 * "Scanning with you" end to end (docs/architecture.md "Collaboration"): a remote technologist
 * holding control, a second remote technologist, an observer and the onsite console, each a real
 * page in Chromium on a real gateway.
 */
let gateway: Gateway;
let browser: Browser;
const cleanups: (() => Promise<void>)[] = [];
let holder: Page;
let second: Page;
let observer: Page;
let onsite: Page;

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  // Four pages on a shared, loaded machine: a page stalled for some seconds must not count as gone.
  gateway = await startTestGateway({ timeScale: 50, heartbeatIntervalMs: 2500 });
  browser = await launchChromium();
  holder = await openWorkstationPage(browser, gateway, 'operator', 'Remote Tech', cleanups);
  second = await openWorkstationPage(browser, gateway, 'operator', 'Trainer', cleanups);
  observer = await openWorkstationPage(browser, gateway, 'observer', 'Observer', cleanups);
  onsite = await openOnsiteConsole(browser, gateway, 'Onsite Tech');
  // No page action of this file has a limit of its own: each test's budget bounds them (a loaded
  // CI machine took over 30 s for single steps).
  for (const page of [holder, second, observer, onsite]) page.setDefaultTimeout(0);
  await onsite.locator('[data-testid="control-grant"][data-operator="Remote Tech"]').click();
  await holder.locator('.control-line').getByText('You').waitFor({ timeout: SETTLE_BUDGET_MS });
}, 120_000);

afterAll(async () => {
  printLinkAuditIfLost(gateway);
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
});

/**
 * The arrow's shaft on screen, and its two ends as image pixels, measured against the drawn
 * canvas in one go (one layout), so that a zoom still being applied cannot come between the two.
 */
async function shaftOnImage(page: Page): Promise<{ width: number; ends: [number, number][] }> {
  return page.evaluate(() => {
    const shaft = document.querySelector('[data-testid="mark"] path')!.getBoundingClientRect();
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewport-canvas"]')!;
    const box = canvas.getBoundingClientRect();
    const toImage = (x: number, y: number): [number, number] => [((x - box.x) / box.width) * canvas.width, ((y - box.y) / box.height) * canvas.height];
    return { width: shaft.width, ends: [toImage(shaft.x, shaft.y), toImage(shaft.right, shaft.bottom)] };
  });
}

describe.skipIf(!chromiumAvailable())('scanning with you', () => {
  it('carries chat to onsite and the observer; the observer reads but cannot write', async () => {
    await holder.getByTestId('chat-input').fill('Please check the head coil cable');
    await holder.getByTestId('chat-send').click();
    await expect.poll(() => onsite.getByTestId('onsite-chat-lines').textContent()).toMatch(/Remote Tech\s*\(Remote\)\s*Please check the head coil cable/);
    await expect.poll(() => observer.getByTestId('chat-lines').textContent()).toMatch(/Remote Tech\s*Remote\s*Please check the head coil cable/);
    expect(await observer.getByTestId('chat-input').count()).toBe(0);
    expect(await observer.getByTestId('chat-observer-note').isVisible()).toBe(true);
    const refused = await observer.evaluate(() => window.larmor!.collab.send({ name: 'chat.send', text: 'hello' }));
    expect(refused).toMatchObject({ state: 'rejected', error: { code: ErrorCode.OBSERVER_RECEIVE_ONLY } });

    await onsite.getByTestId('onsite-chat-input').fill('Cable reseated');
    await onsite.getByTestId('onsite-chat-send').click();
    await expect.poll(() => holder.getByTestId('chat-lines').textContent()).toMatch(/Onsite Tech\s*Onsite\s*Cable reseated/);
    await expect.poll(() => holder.getByTestId('event-log').textContent()).toMatch(/Message from Onsite Tech \(onsite\): Cable reseated/);
  });

  it('counts chat that arrives while the panel is hidden', async () => {
    await observer.getByTestId('chat-hide').click();
    await onsite.getByTestId('onsite-chat-input').fill('Patient asks how long');
    await onsite.getByTestId('onsite-chat-send').click();
    await expect.poll(() => observer.getByTestId('chat-unread').textContent()).toBe('1');
    await observer.getByTestId('chat-open').click();
    await expect.poll(() => observer.getByTestId('chat-lines').textContent()).toMatch(/Patient asks how long/);
  });

  it('shows a mark drawn on the live image to onsite and the observer, on the same image point after zooming', async () => {
    await openExamAndQueue(holder, 'localizer');
    for (const box of await onsite.locator('[data-testid^="checklist-"][type="checkbox"]').all()) await box.check();
    await onsite.getByTestId('checklist-confirm').click();
    await holder.getByTestId('btn-start').click();
    // The first image waits for the slice render worker's start, which a loaded machine can delay
    // past any fixed wait (a CI run took 30 s and more): no limit but the test's budget (above).
    await holder.getByTestId('viewport-canvas').waitFor();
    await expect.poll(() => holder.getByTestId('queue-item').first().getAttribute('data-status'), { timeout: SETTLE_BUDGET_MS }).toBe('completed');
    // The last slices may arrive after the acquisition completed: all nine, so every viewer shows the last one.
    for (const page of [holder, observer]) {
      await expect.poll(() => page.getByTestId('series-thumb').first().getAttribute('data-images'), { timeout: SETTLE_BUDGET_MS }).toBe('9');
    }

    const box = (await holder.getByTestId('viewport-canvas').boundingBox())!;
    const tail = { x: box.x + box.width * 0.3, y: box.y + box.height * 0.3 };
    const head = { x: box.x + box.width * 0.5, y: box.y + box.height * 0.45 };
    await holder.getByTestId('mark-tool-arrow').click();
    await holder.mouse.move(tail.x, tail.y);
    await holder.mouse.down();
    await holder.mouse.move((tail.x + head.x) / 2, (tail.y + head.y) / 2, { steps: 4 });
    await holder.mouse.move(head.x, head.y, { steps: 4 });
    await holder.mouse.up();

    const mark = holder.getByTestId('mark');
    await mark.waitFor({ timeout: SETTLE_BUDGET_MS });
    const sop = await holder.getByTestId('viewport-canvas').getAttribute('data-sop-instance-uid');
    await expect.poll(() => observer.getByTestId('mark').count(), { timeout: SETTLE_BUDGET_MS }).toBe(1);
    // The onsite console turns to the marked image and draws the mark on it.
    await expect.poll(() => onsite.getByTestId('onsite-mark').count(), { timeout: SETTLE_BUDGET_MS }).toBe(1);
    expect(await onsite.getByTestId('onsite-image').getAttribute('data-sop-instance-uid')).toBe(sop);

    // Measured on screen: the arrow's shaft, before and after a zoom, is on the same image pixels.
    const before = await shaftOnImage(holder);
    const widthBefore = box.width;
    await holder.getByTestId('mark-tool-arrow').click(); // back to the viewer's own mouse
    const stage = holder.locator('.viewer-stage');
    const stageBox = (await stage.boundingBox())!;
    await holder.mouse.move(stageBox.x + stageBox.width / 2, stageBox.y + stageBox.height / 2);
    await holder.mouse.down({ button: 'right' });
    await holder.mouse.move(stageBox.x + stageBox.width / 2, stageBox.y + stageBox.height / 2 - 80, { steps: 5 });
    await holder.mouse.up({ button: 'right' });
    await expect.poll(async () => (await holder.getByTestId('viewport-canvas').boundingBox())!.width).toBeGreaterThan(widthBefore * 1.5);
    // Once the zoom has settled: larger on screen, on the same image pixels.
    await expect
      .poll(async () => {
        const after = await shaftOnImage(holder);
        const drift = Math.max(...after.ends.flatMap((end, i) => end.map((v, axis) => Math.abs(v - before.ends[i]![axis]!))));
        return after.width > before.width * 1.5 && drift < 1;
      })
      .toBe(true);

    // Observers see marks but get no tools; clearing reaches everyone.
    expect(await observer.getByTestId('mark-tool-arrow').count()).toBe(0);
    await holder.getByTestId('marks-clear').click();
    await expect.poll(() => onsite.getByTestId('onsite-mark').count(), { timeout: SETTLE_BUDGET_MS }).toBe(0);
    await expect.poll(() => observer.getByTestId('mark').count()).toBe(0);
    // Some twenty browser steps on four pages, beside other test files on two cores: a budget, not a speed requirement.
  }, 180_000);

  it('lets onsite staff draw on their viewer and the remote technologist see it', async () => {
    const image = onsite.getByTestId('onsite-image');
    const box = (await image.boundingBox())!;
    await onsite.getByTestId('onsite-mark-tool-circle').click();
    await onsite.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await onsite.mouse.down();
    await onsite.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 4 });
    await onsite.mouse.up();
    await expect.poll(() => onsite.getByTestId('onsite-mark').count(), { timeout: SETTLE_BUDGET_MS }).toBe(1);
    const sop = await image.getAttribute('data-sop-instance-uid');
    expect(await holder.getByTestId('viewport-canvas').getAttribute('data-sop-instance-uid')).toBe(sop);
    await expect.poll(() => holder.locator('[data-testid="mark"][data-shape="circle"]').count(), { timeout: SETTLE_BUDGET_MS }).toBe(1);
    await expect.poll(() => holder.getByTestId('event-log').textContent()).toMatch(/Onsite Tech \(onsite\) drew a circle on the image/);
  });

  it('lets a second remote technologist propose, and the holder’s Accept changes the queue', async () => {
    await expect.poll(() => second.getByTestId('queue-add').textContent()).toBe('Propose');
    await second.getByTestId('library-select').selectOption('t2-tse-ax');
    await second.getByTestId('queue-add').click();
    await holder.getByTestId('proposal-accept').waitFor({ timeout: SETTLE_BUDGET_MS });
    expect(await holder.getByTestId('proposal').textContent()).toMatch(/Trainer \(Remote\) proposes to add T2 TSE axial to the queue/);
    const queued = await holder.getByTestId('queue-item').count();
    await holder.getByTestId('proposal-accept').click();
    await expect.poll(() => holder.getByTestId('queue-item').count()).toBe(queued + 1);
    await expect.poll(() => holder.getByTestId('proposal').count()).toBe(0);
    await expect.poll(() => second.getByTestId('event-log').textContent()).toMatch(/Proposal to add T2 TSE axial to the queue accepted by Remote Tech/);
  });

  it('hands control to the second technologist only when onsite staff confirm', async () => {
    await holder.getByTestId('handover-target').selectOption({ label: 'Trainer' });
    await holder.getByTestId('handover-offer').click();
    await expect.poll(() => holder.getByTestId('handover-status').textContent()).toMatch(/waiting for onsite staff to confirm/);
    await expect.poll(() => second.getByTestId('handover-status').textContent()).toMatch(/waiting for onsite staff to confirm/);
    // Not yet: the holder still holds control while onsite has not confirmed.
    expect(gateway.snapshot().control.holderName).toBe('Remote Tech');
    await expect.poll(() => onsite.getByTestId('presence-status').textContent()).toMatch(/Onsite Tech checked in/);
    await onsite.getByTestId('onsite-handover-confirm').click();
    await expect.poll(() => second.getByTestId('handover-status').getAttribute('data-status')).toBe('done');
    await expect.poll(() => second.getByTestId('handover-status').textContent()).toMatch(/you have control/);
    await expect.poll(() => holder.getByTestId('handover-status').textContent()).toMatch(/Trainer has control/);
    await expect.poll(() => onsite.getByTestId('onsite-handover').getAttribute('data-status')).toBe('done');
    expect(gateway.snapshot().control.holderName).toBe('Trainer');
    // The former holder now proposes instead of commanding.
    await expect.poll(() => holder.getByTestId('queue-add').textContent()).toBe('Propose');
  });

  // Last, because axe runs in the page it checks: on the onsite console it kept the page's timers
  // from running for 1 s at a time on an idle machine (4 s in all), and many times that on a loaded
  // one. A console whose heartbeats stop that long is rightly counted gone and checked out
  // (docs/architecture.md "Safety rules" 1), which no later step here should depend on.
  it('passes the axe check with chat, marks and proposals on screen', async () => {
    // Control has passed to the Trainer (above): the former holder proposes, the Trainer decides.
    await holder.getByTestId('queue-add').click();
    await second.getByTestId('proposal-accept').waitFor({ timeout: SETTLE_BUDGET_MS });
    // The whole pages are checked in layout-and-access.test.ts; here the parts this feature adds.
    const parts = [
      [second, ['.chat-panel', '.collab-panel', '.viewport-region']],
      [onsite, ['.onsite-viewer', '.onsite-chat', '.onsite-log']],
    ] as const;
    for (const [page, selectors] of parts) {
      let builder = new AxeBuilder({ page });
      for (const selector of selectors) builder = builder.include(selector);
      const results = await builder.analyze();
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id}: ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ')}`,
        );
      expect(serious).toEqual([]);
    }
    await second.getByTestId('proposal-decline').click();
    await expect.poll(() => second.getByTestId('proposal').count()).toBe(0);
  }, 180_000);
});
