/**
 * Media benchmark: the workstation (browser shell) and the onsite console in two
 * Chromium contexts with fake camera and microphone, through a real gateway on loopback.
 *
 *   npx tsx bench/media/run.ts [--duration 60]
 *
 * Prints, per side: time from both sides joining the call to the first decoded frame, then the
 * steady-state frame rate, resolution, bitrate, packet loss and round-trip time over the call
 * (from getStats(), sampled once a second). Targets: first frame within 1 s; 30 fps at 640x480.
 * Build first: `npx vite build --config renderer/vite.config.ts` and
 * `npx vite build --config onsite/vite.config.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { Gateway } from '../../gateway/server/gateway.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/helpers/browser.js';
import { openOnsiteConsole, openWorkstationPage } from '../../tests/helpers/onsite-page.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '60' } } });
const durationS = Number(values.duration);
if (!(durationS >= 5)) throw new Error('--duration must be at least 5 seconds');

interface Sample {
  fps: number;
  kbps: number;
  lossPct: number;
  rttMs: number;
  width: number;
  height: number;
}

async function sample(page: Page, peerRole: 'operator' | 'onsite'): Promise<Sample | null> {
  const pane = page.locator(`[data-testid="remote-pane"][data-peer-role="${peerRole}"]`);
  const attrs = await pane.evaluate((el) => ({ ...el.dataset })).catch(() => null);
  if (!attrs || !attrs.fps) return null;
  return {
    fps: Number(attrs.fps),
    kbps: Number(attrs.kbps),
    lossPct: Number(attrs.lossPct),
    rttMs: Number(attrs.rttMs),
    width: Number(attrs.width),
    height: Number(attrs.height),
  };
}

async function firstFrameAt(page: Page, peerRole: 'operator' | 'onsite'): Promise<number> {
  const video = page.locator(`[data-testid="remote-pane"][data-peer-role="${peerRole}"] video`);
  await video.and(page.locator('[data-first-frame-at]')).waitFor({ timeout: 30_000 });
  return Number(await video.getAttribute('data-first-frame-at'));
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-media-'));
const joins: number[] = [];
const gateway = await Gateway.start({
  port: 0,
  dataFile: join(dir, 'gateway.sqlite'),
  log: (line) => {
    if (/ media: joined$/.test(line)) joins.push(Date.now());
  },
});
// Chromium's fake camera runs at 20 fps unless told otherwise; the target is 30 fps.
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: CHROMIUM_ARGS.map((a) => (a.startsWith('--use-fake-device-for-media-stream') ? '--use-fake-device-for-media-stream=fps=30' : a)),
});
const cleanups: (() => Promise<void>)[] = [];
try {
  const onsite = await openOnsiteConsole(browser, gateway);
  const operator = await openWorkstationPage(browser, gateway, 'operator', 'Remote Tech', cleanups);
  const [atOperator, atOnsite] = await Promise.all([firstFrameAt(operator, 'onsite'), firstFrameAt(onsite, 'operator')]);
  const bothJoined = Math.max(...joins.slice(0, 2));

  const samples = { operator: [] as Sample[], onsite: [] as Sample[] };
  process.stderr.write(`measuring a ${durationS} s call`);
  for (let t = 0; t < durationS; t++) {
    await new Promise((r) => setTimeout(r, 1000));
    const [a, b] = await Promise.all([sample(operator, 'onsite'), sample(onsite, 'operator')]);
    if (a) samples.operator.push(a);
    if (b) samples.onsite.push(b);
    if (t % 10 === 9) process.stderr.write('.');
  }
  process.stderr.write('\n');

  const rows = [
    { side: 'workstation <- onsite camera', first: atOperator - bothJoined, s: samples.operator },
    { side: 'onsite console <- workstation', first: atOnsite - bothJoined, s: samples.onsite },
  ];
  console.log(`\nLarmor media benchmark: loopback, Chromium fake devices, ${durationS} s call, samples once a second (getStats)\n`);
  const header = ['receiving side', 'first frame ms', 'resolution', 'fps mean', 'fps p5', 'kbit/s mean', 'loss % mean', 'RTT ms mean'];
  const table = rows.map((r) => {
    const steady = r.s.slice(Math.min(3, Math.floor(r.s.length / 4))); // skip the ramp-up of the bandwidth estimator
    const res = steady.at(-1);
    return [
      r.side,
      r.first.toFixed(0),
      res ? `${res.width}x${res.height}` : '-',
      mean(steady.map((x) => x.fps)).toFixed(1),
      percentile(
        steady.map((x) => x.fps),
        5,
      ).toFixed(1),
      mean(steady.map((x) => x.kbps)).toFixed(0),
      mean(steady.map((x) => x.lossPct)).toFixed(2),
      mean(steady.map((x) => x.rttMs)).toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of table) console.log(line(row));
  console.log('\ntargets: first frame <= 1000 ms; 30 fps at 640x480');
} finally {
  for (const c of cleanups) await c();
  await browser.close();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
}
