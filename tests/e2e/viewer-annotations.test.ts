/**
 * The image's annotations (the corners' text, the orientation markers of PS3.3 C.7.6.1.1.1, the
 * not-for-diagnosis line) stay in view with nothing over them: the mark tools sit in a row above
 * the image, for the operator who draws and for the trainer who sees a count.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../gateway/server/gateway.js';
import { createSeriesImager } from '../../gateway/imaging/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { storescu } from '../helpers/dcmtk.js';
import { SETTLE_BUDGET_MS, startTestGateway } from '../helpers/gateway.js';
import { librarySequence } from '../helpers/library-sequence.js';
import { openWorkstationPage } from '../helpers/onsite-page.js';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;
const SERIES_UID = '2.25.88801';

let gateway: Gateway;
let browser: Browser;
let operator: Page;
let observer: Page;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

/**
 * The annotations that the mark tools' box overlaps (where there are tools), those reaching above
 * or below the image's stage, and corner texts or the watermark that overlap each other.
 */
function coveredAnnotations(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const tools = document.querySelector('[data-testid="mark-tools"]')?.getBoundingClientRect();
    const frame = document.querySelector('.viewer-stage')?.getBoundingClientRect();
    if (!frame) return ['image box missing'];
    const texts = [...document.querySelectorAll('[data-testid^="overlay-"], [data-testid="watermark"]')];
    for (const [i, a] of texts.entries())
      for (const b of texts.slice(i + 1)) {
        const [ra, rb] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        if (ra.left < rb.right && ra.right > rb.left && ra.top < rb.bottom && ra.bottom > rb.top)
          found.push(`${a.getAttribute('data-testid')} overlaps ${b.getAttribute('data-testid')}`);
      }
    for (const el of document.querySelectorAll('[data-testid^="orientation-"], [data-testid^="overlay-"], [data-testid="watermark"]')) {
      const r = el.getBoundingClientRect();
      const name = `${el.getAttribute('data-testid')} "${(el.textContent ?? '').slice(0, 30)}"`;
      if (tools && r.left < tools.right && r.right > tools.left && r.top < tools.bottom && r.bottom > tools.top) found.push(`${name} under the mark tools`);
      if (r.top < frame.top - 1 || r.bottom > frame.bottom + 1) found.push(`${name} outside the image's stage`);
    }
    return found;
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'larmor-annotations-'));
  gateway = await startTestGateway({ dicom: { port: 0 } });
  browser = await launchChromium();
  operator = await openWorkstationPage(browser, gateway, 'operator', 'Rita Remote-Technologist', cleanups);
  observer = await openWorkstationPage(browser, gateway, 'observer', 'Tom Trainer', cleanups);
  // An axial slice (markers on all four edges) of a patient whose name fills its corner.
  const study = {
    studyUid: '2.25.8880',
    patientName: 'MUSTERMANN-LONGFAMILYNAME^MAXIMILIANA ALEXANDRA',
    patientId: 'PID-2026-0000012345',
    studyDescription: 'Brain',
  };
  const imager = createSeriesImager({ study, sequence: librarySequence('t2-tse-ax'), seriesNumber: 7, seriesUid: SERIES_UID, seed: 1 });
  const file = join(dir, 'axial.dcm');
  await writeFile(file, imager.renderSlice(9));
  await storescu(gateway.imaging!.dicomPort!, [file]);
  for (const page of [operator, observer])
    await page.locator(`[data-testid="viewport-canvas"][data-series-uid="${SERIES_UID}"]`).waitFor({ timeout: SETTLE_BUDGET_MS });
});

afterAll(async () => {
  for (const c of cleanups) await c();
  await browser?.close();
  await gateway?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!chromiumAvailable())('the image’s annotations and the mark tools', () => {
  it.each(SIZES)('keeps every annotation clear of the mark tools for the operator at $width x $height', async (size) => {
    await operator.setViewportSize(size);
    await operator.waitForTimeout(200); // a frame or two for the layout to settle after the resize
    expect(await operator.getByTestId('orientation-top').textContent()).toMatch(/A/);
    expect(await coveredAnnotations(operator)).toEqual([]);
  });

  it('gives the trainer no tools row but the image’s height, the marks’ count in a corner, and the image does not move when the first mark comes', async () => {
    await observer.setViewportSize({ width: 1280, height: 720 });
    await operator.setViewportSize({ width: 1280, height: 720 });
    await observer.waitForTimeout(200);
    expect(await observer.getByTestId('mark-tools').count()).toBe(0);
    const lastLine = (page: Page) => page.locator('[data-testid="overlay-bottom-left"] > div').last().textContent();
    expect(await lastLine(observer)).toBe('No marks');
    expect(await lastLine(operator)).toMatch(/^Zoom /);
    // The stage reaches up to where the operator's tools row is.
    const observerStage = (await observer.locator('.viewer-stage').boundingBox())!;
    const operatorStage = (await operator.locator('.viewer-stage').boundingBox())!;
    const operatorTools = (await operator.getByTestId('mark-tools').boundingBox())!;
    expect(observerStage.height).toBeGreaterThanOrEqual(operatorStage.height + operatorTools.height);
    const before = await observer.getByTestId('viewport-canvas').boundingBox();

    // The operator draws an arrow across the image.
    await operator.getByTestId('mark-tool-arrow').click();
    const stage = (await operator.locator('.viewer-stage').boundingBox())!;
    await operator.mouse.move(stage.x + stage.width * 0.4, stage.y + stage.height * 0.4);
    await operator.mouse.down();
    await operator.mouse.move(stage.x + stage.width * 0.6, stage.y + stage.height * 0.6, { steps: 5 });
    await operator.mouse.up();

    await expect.poll(() => lastLine(observer)).toBe('1 mark');
    expect(await observer.getByTestId('viewport-canvas').boundingBox()).toEqual(before);
    for (const size of SIZES) {
      await observer.setViewportSize(size);
      await observer.waitForTimeout(200);
      expect(await coveredAnnotations(observer)).toEqual([]);
    }
  });
});
