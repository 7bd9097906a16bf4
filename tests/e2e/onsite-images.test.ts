/**
 * The onsite console reads live images in a worker of the page's own (onsite/src/image-worker.ts),
 * never on the thread that sends its heartbeats: a console the gateway does not hear from counts
 * as absent, and no acquisition can start (safety rule 1). How long that thread is held is
 * measured by bench/onsite-images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Worker } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { phantomMrPart10 } from '../../bench/lib/mr-part10.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { SETTLE_BUDGET_MS, startTestGateway } from '../helpers/gateway.js';
import { openOnsiteConsole } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
let page: Page;

/** The page's image readers; its other worker is the heartbeat's clock (onsite/src/heartbeat-clock.ts). */
function imageWorkers(): Worker[] {
  return page.workers().filter((w) => /\/onsite\/assets\/image-worker-[\w-]+\.js$/.test(w.url()));
}

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  gateway = await startTestGateway();
  browser = await launchChromium();
  page = await openOnsiteConsole(browser, gateway, 'Olivia Onsite');
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!chromiumAvailable())('live images on the onsite console', () => {
  it("shows the first frame of a 300-frame enhanced MR, read in the page's image worker", async () => {
    expect(gateway.imaging!.pipeline.accept(phantomMrPart10('2.25.300300', { rows: 256, columns: 256, frames: 300 }), 'c-store')).toMatchObject({ ok: true });
    await page.locator('[data-testid="onsite-image"][data-sop-instance-uid="2.25.300300#1"]').waitFor();
    expect(await page.getByTestId('onsite-image-caption').textContent()).toMatch(/image 1 · newest/);
    // Painted at its own size (256 is below the painted bitmap's cap), and not blank.
    const painted = await page.getByTestId('onsite-image').evaluate((canvas: HTMLCanvasElement) => {
      const grey = canvas
        .getContext('2d')!
        .getImageData(0, 0, canvas.width, canvas.height)
        .data.filter((_, i) => i % 4 === 0);
      return { width: canvas.width, height: canvas.height, greys: new Set(grey).size };
    });
    expect(painted).toMatchObject({ width: 256, height: 256 });
    expect(painted.greys).toBeGreaterThan(16);
    // Read off the page's main thread, in one image worker.
    expect(imageWorkers()).toHaveLength(1);
    // Whether the console went silent meanwhile is a matter of time, which a shared machine
    // decides as much as the page: measured in bench/onsite-images, not asserted here.
  });

  it('reads the next image in the same worker', async () => {
    expect(gateway.imaging!.pipeline.accept(phantomMrPart10('2.25.300400', { rows: 256, columns: 256, frames: 2 }), 'c-store')).toMatchObject({ ok: true });
    await page.locator('[data-testid="onsite-image"][data-sop-instance-uid="2.25.300400#1"]').waitFor();
    expect(imageWorkers()).toHaveLength(1);
  });

  it('says an image the browser could not paint, and shows the next one', async () => {
    // The worker's one paint fails, as a browser out of memory for the bitmap would.
    await imageWorkers()[0]!.evaluate(() => {
      const paint = self.createImageBitmap.bind(self);
      self.createImageBitmap = (() => {
        self.createImageBitmap = paint;
        return Promise.reject(new Error('no memory for the bitmap'));
      }) as typeof self.createImageBitmap;
    });
    expect(gateway.imaging!.pipeline.accept(phantomMrPart10('2.25.300500', { rows: 256, columns: 256, frames: 1 }), 'c-store')).toMatchObject({ ok: true });
    await expect
      .poll(
        () =>
          page
            .getByTestId('onsite-image-unshown')
            .textContent()
            .catch(() => null),
        { timeout: SETTLE_BUDGET_MS },
      )
      .toBe('▲ Image not shown here: not painted: no memory for the bitmap');
    // Still the image before it on the canvas, never a blank one.
    expect(await page.getByTestId('onsite-image').getAttribute('data-sop-instance-uid')).toBe('2.25.300400#1');

    expect(gateway.imaging!.pipeline.accept(phantomMrPart10('2.25.300600', { rows: 256, columns: 256, frames: 1 }), 'c-store')).toMatchObject({ ok: true });
    await page.locator('[data-testid="onsite-image"][data-sop-instance-uid="2.25.300600"]').waitFor();
    expect(await page.getByTestId('onsite-image-unshown').count()).toBe(0);
    expect(imageWorkers()).toHaveLength(1);
  });
});
