/**
 * bench/onsite-images: what a large live image costs the onsite console's page where it sends its
 * heartbeats. A gateway (in this process) publishes one large object to an onsite console open in
 * Chromium, signed in and checked in; the page records its main thread's long tasks
 * (PerformanceObserver "longtask") and how late a 20 ms timer ran, like the heartbeat's timer,
 * from the object's publication until its image is on screen. The page idle for two seconds
 * before is the reference, in the same run; `--reference-onsite-dir DIR` also measures a page
 * built from other sources (e.g. before a change: `vite build --config onsite/vite.config.ts
 * --outDir DIR` on that tree), one after the other.
 *
 *   npx tsx bench/onsite-images/run.ts [--reference-onsite-dir DIR]
 * Needs `npm run build` (the page under test is dist/onsite) and Chromium.
 */
import { parseArgs } from 'node:util';
import type { Gateway } from '../../gateway/server/gateway.js';
import { phantomMrPart10 } from '../lib/mr-part10.js';
import { MAIN_THREAD_RECORDER, readMainThread, resetMainThread } from '../lib/main-thread-recorder.js';
import { printTable } from '../lib/stats.js';
import { launchChromium } from '../../tests/helpers/browser.js';
import { startTestGateway } from '../../tests/helpers/gateway.js';
import { openOnsiteConsole } from '../../tests/helpers/onsite-page.js';

const { values } = parseArgs({ options: { 'reference-onsite-dir': { type: 'string' } } });

const OBJECTS = [
  { name: '64x64, 1 frame (small)', rows: 64, columns: 64, frames: 1 },
  { name: '4096x4096, 1 frame', rows: 4096, columns: 4096, frames: 1 },
  { name: '256x256, 300 frames', rows: 256, columns: 256, frames: 300 },
  { name: '512x512, 100 frames', rows: 512, columns: 512, frames: 100 },
];

/** Times the gateway audited the onsite console as silent (gateway/server/onsite-handler.ts). */
const silentCount = (gateway: Gateway) => gateway.store.auditTrail().filter((r) => r.action === 'onsite console' && r.decision === 'silent').length;

const browser = await launchChromium();
const rows: (string | number)[][] = [];
const builds: [string, string | undefined][] = [['dist/onsite (this tree)', undefined]];
if (values['reference-onsite-dir']) builds.push([`${values['reference-onsite-dir']} (reference)`, values['reference-onsite-dir']]);
let next = 1;
for (const [build, onsiteDir] of builds) {
  const gateway = await startTestGateway(onsiteDir ? { onsiteDir } : {});
  const page = await openOnsiteConsole(browser, gateway, 'Olivia Onsite', { initScript: MAIN_THREAD_RECORDER });
  await resetMainThread(page);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle = await readMainThread(page);
  rows.push([build, 'none (idle 2 s)', idle.longest.toFixed(0), idle.late.toFixed(0), '-', '-']);
  for (const object of OBJECTS) {
    const uid = `2.25.${Date.now()}${next++}`;
    const part10 = phantomMrPart10(uid, object);
    await resetMainThread(page);
    const silentBefore = silentCount(gateway);
    gateway.imaging!.pipeline.accept(part10, 'c-store');
    await page.locator(`[data-testid="onsite-image"][data-sop-instance-uid^="${uid}"]`).waitFor({ timeout: 120_000 });
    const during = await readMainThread(page);
    const silent = silentCount(gateway) - silentBefore;
    rows.push([build, object.name, during.longest.toFixed(0), during.late.toFixed(0), String(silent), gateway.snapshot().onsite?.presence ? 'yes' : 'no']);
  }
  await page.context().close();
  await gateway.close();
}
await browser.close();
console.log('Heartbeats every 250 ms; the gateway counts the console silent after 4 of them without a word (1 s).\n');
printTable(
  ['onsite page', 'object published', 'longest main-thread task ms', '20 ms timer late by, max ms', 'console silent (audited)', 'still checked in'],
  rows,
);
