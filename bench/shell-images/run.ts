/**
 * bench/shell-images: what a large image costs the workstation page's main thread in the browser
 * shell, where the technologist's Stop button runs. A workstation core and its browser shell (as
 * `npm start` runs them without Electron) push decoded images to the page open in Chromium; the
 * page records its long tasks (PerformanceObserver "longtask", 50 ms or more) and how late a
 * 20 ms timer ran, for four seconds after each image. A 64x64 image is the reference, in the
 * same run.
 *
 *   npx tsx bench/shell-images/run.ts
 * Needs the renderer built (`npm run build:renderer`: the page and its bridge shim) and Chromium.
 */
import { MAIN_THREAD_RECORDER, readMainThread, resetMainThread } from '../lib/main-thread-recorder.js';
import { printTable } from '../lib/stats.js';
import { preview } from '../../tests/renderer/viewer/images.js';
import { launchChromium } from '../../tests/helpers/browser.js';
import { startWorkstation } from '../../tests/helpers/shell.js';

/** A 16-bit image of `side` x `side` pixels, as the core hands decoded images to its page. */
const greyImage = (side: number) =>
  preview({ rows: side, columns: side, windowCenter: 2048, windowWidth: 4096, pixels: new Uint16Array(side * side).map((_, i) => (i * 7) & 0xfff).buffer });

const workstation = await startWorkstation();
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
await context.addInitScript(MAIN_THREAD_RECORDER);
const page = await context.newPage();
await page.goto(workstation.shell.url);
await page.getByTestId('connect-url').waitFor();
await page.waitForTimeout(1500); // the page settles after its first render

const rows: (string | number)[][] = [];
for (const side of [64, 2048, 4096]) {
  await resetMainThread(page);
  workstation.core.emit('image', greyImage(side));
  await page.waitForTimeout(4000);
  const { longest, late } = await readMainThread(page);
  rows.push([
    `${side}x${side}${side === 64 ? ' (reference)' : ''}`,
    side * side * 2 < 1024 * 1024 ? `${(side * side * 2) / 1024} KiB` : `${(side * side * 2) / 1024 / 1024} MiB`,
    Math.round(longest),
    Math.round(late),
  ]);
}
printTable(['image pushed', 'pixels', 'longest main-thread task ms', '20 ms timer late by, max ms'], rows);
await browser.close();
await workstation.close();
