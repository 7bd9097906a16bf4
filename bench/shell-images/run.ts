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
import type { PreviewImage } from '../../protocol/index.js';
import { printTable } from '../lib/stats.js';
import { launchChromium } from '../../tests/helpers/browser.js';
import { startWorkstation } from '../../tests/helpers/shell.js';

/** In the page before its own scripts: long tasks and a 20 ms timer's lateness, kept on window. */
const RECORDER = `
  window.__bench = { longest: 0, late: 0, since: performance.now(), last: performance.now() };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= window.__bench.since) window.__bench.longest = Math.max(window.__bench.longest, e.duration);
  }).observe({ type: 'longtask' });
  setInterval(() => {
    const now = performance.now();
    window.__bench.late = Math.max(window.__bench.late, now - window.__bench.last - 20);
    window.__bench.last = now;
  }, 20);
`;

function greyImage(side: number): PreviewImage {
  return {
    seriesUid: `2.25.${side}`,
    seriesNumber: 1,
    seriesDescription: 'T2',
    sopInstanceUid: `2.25.${side}.1`,
    instanceNumber: 1,
    imagesInSeries: 1,
    rows: side,
    columns: side,
    bitsAllocated: 16,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowCenter: 2048,
    windowWidth: 4096,
    pixelSpacingMm: null,
    sliceLocationMm: null,
    sliceThicknessMm: null,
    patientName: '',
    patientId: '',
    studyDescription: '',
    gatewayAt: '',
    pixels: new Uint16Array(side * side).map((_, i) => (i * 7) & 0xfff).buffer,
  };
}

const workstation = await startWorkstation();
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
await context.addInitScript(RECORDER);
const page = await context.newPage();
await page.goto(workstation.shell.url);
await page.getByTestId('connect-url').waitFor();
await page.waitForTimeout(1500); // the page settles after its first render

const rows: (string | number)[][] = [];
for (const side of [64, 2048, 4096]) {
  await page.evaluate(() => Object.assign((window as never as { __bench: object }).__bench, { longest: 0, late: 0, since: performance.now() }));
  workstation.core.emit('image', greyImage(side));
  await page.waitForTimeout(4000);
  const { longest, late } = await page.evaluate(() => (window as never as { __bench: { longest: number; late: number } }).__bench);
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
