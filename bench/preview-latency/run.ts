/**
 * bench/preview-latency: time from the gateway holding a complete image (as the simulator emits
 * it, or a C-STORE completes) to the renderer having painted it, through the real path:
 * gateway pipeline (RLE encode) -> WebSocket -> workstation core (RLE decode) -> browser-shell
 * bridge -> Chromium renderer -> canvas. Beside it, the raw WebSocket round trip of the same
 * bytes on the same loopback, measured in the same run.
 *
 *   npx tsx bench/preview-latency/run.ts [--images 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { Gateway } from '../../gateway/server/gateway.js';
import { TransferSyntax, writePart10 } from '../../native-bridge/dicom/index.js';
import { startBrowserShell } from '../../main/browser-shell/browser-shell.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { signInOnConnectForm } from '../../tests/helpers/onsite-page.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { launchChromium } from '../../tests/helpers/browser.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '200' } } });
const COUNT = Number(values.images);
const RENDERER_DIR = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
const now = () => performance.timeOrigin + performance.now();

/** A 16-bit MR-like image: smooth anatomy-sized blobs plus noise, so RLE sees realistic data. */
/** One slice of a series: a realistic live workload (a series of 200 slices per size). */
function mrImage(size: number, n: number, seriesUid: string): { sopInstanceUid: string; bytes: Uint8Array } {
  const pixels = new Uint16Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x - size / 2) / (size * 0.4);
      const dy = (y - size / 2) / (size * 0.45);
      const r = dx * dx + dy * dy;
      const base = r < 1 ? 900 + 500 * Math.cos(6 * r + n * 0.1) : 0;
      pixels[y * size + x] = Math.max(0, Math.round(base + ((x * 7919 + y * 104729 + n) % 23)));
    }
  }
  const sopInstanceUid = `${seriesUid}.${n + 1}`;
  const bytes = writePart10({
    transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
    elements: [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
      { tag: 0x00080018, vr: 'UI', value: sopInstanceUid },
      { tag: 0x00080060, vr: 'CS', value: 'MR' },
      { tag: 0x00100010, vr: 'PN', value: 'BENCH^PREVIEW' },
      { tag: 0x00100020, vr: 'LO', value: 'BENCH' },
      { tag: 0x0020000e, vr: 'UI', value: seriesUid },
      { tag: 0x00200011, vr: 'IS', value: String(size) },
      { tag: 0x00200013, vr: 'IS', value: String(n + 1) },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280010, vr: 'US', value: size },
      { tag: 0x00280011, vr: 'US', value: size },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 12 },
      { tag: 0x00280102, vr: 'US', value: 11 },
      { tag: 0x00280103, vr: 'US', value: 0 },
      { tag: 0x00281050, vr: 'DS', value: '700' },
      { tag: 0x00281051, vr: 'DS', value: '1400' },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixels.buffer) },
    ],
  });
  return { sopInstanceUid, bytes };
}

async function rawRoundTrips(bytes: Uint8Array, count: number): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, maxPayload: 64 * 1024 * 1024 });
  server.on('connection', (ws) => ws.on('message', (data) => ws.send(data as Buffer)));
  const port = (server.address() as { port: number }).port;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => client.once('open', r));
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      client.once('message', () => resolve());
      client.send(bytes);
    });
    samples.push(performance.now() - t0);
  }
  client.close();
  await new Promise<void>((r) => server.close(() => r()));
  return samples;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-preview-'));
  const gateway = await Gateway.start({ port: 0, dataFile: join(dir, 'g.sqlite') });
  const core = new WorkstationCore();
  attachImageIntake(core);
  const shell = await startBrowserShell({ core, rendererDir: RENDERER_DIR, defaultGatewayUrl: gateway.url });
  const browser = await launchChromium();
  // bypassCSP only lets the harness evaluate its probe; the page itself runs under its CSP.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, bypassCSP: true });
  await page.goto(shell.url);
  await page.getByTestId('connect-url').fill(gateway.url);
  await signInOnConnectForm(page, gateway, 'observer', 'Bench');
  await page.waitForFunction(() => /connected/i.test(document.querySelector('[data-testid="link-status"]')?.textContent ?? ''));
  // The page notes when each series first appears painted on the viewport canvas.
  // A string, not a function: tsx's name-keeping helpers do not exist inside the page.
  await page.evaluate(`(() => {
    const painted = new Map();
    window.__painted = painted;
    const watch = () => {
      const canvas = document.querySelector('[data-testid="viewport-canvas"]');
      if (!canvas) return void setTimeout(watch, 50);
      const note = () => {
        const uid = canvas.getAttribute('data-sop-instance-uid');
        if (uid && !painted.has(uid)) requestAnimationFrame(() => painted.set(uid, performance.timeOrigin + performance.now()));
      };
      new MutationObserver(note).observe(canvas, { attributes: true });
      note();
    };
    watch();
  })()`);

  const rows: (string | number)[][] = [];
  for (const size of [256, 512]) {
    const seriesUid = `2.25.${Date.now()}${size}`;
    const files = Array.from({ length: COUNT }, (_, i) => mrImage(size, i, seriesUid));
    const latencies: number[] = [];
    for (const { sopInstanceUid, bytes } of files) {
      const t0 = now();
      gateway.imaging!.pipeline.accept(bytes, 'simulator', COUNT);
      const handle = await page.waitForFunction(`window.__painted.get(${JSON.stringify(sopInstanceUid)})`, undefined, { polling: 'raf' });
      latencies.push(((await handle.jsonValue()) as number) - t0);
    }
    const raw = await rawRoundTrips(files[0]!.bytes, COUNT);
    rows.push([`${size}x${size} preview`, COUNT, percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99)]);
    rows.push([`${size}x${size} raw ws RTT`, COUNT, percentile(raw, 50), percentile(raw, 95), percentile(raw, 99)]);
  }
  console.log(`\npreview latency: gateway holds image -> renderer painted (ms), ${COUNT} images per size, loopback, 2 cores\n`);
  printTable(['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms'], rows);
  await browser.close();
  core.disconnect();
  await shell.close();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
