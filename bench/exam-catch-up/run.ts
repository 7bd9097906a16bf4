/**
 * Catch-up benchmark (docs/architecture.md "The image's path", step 6): does a late joiner's
 * fetch of the whole exam delay the live images on its own link? Everything on loopback with a
 * real gateway and a real WebSocket client in this process.
 *   1. the gateway holds --held MR images of 512 x 512 x 16 bits with noise (about 0.5 MB each on the
 *      wire), pushed as by a DICOM peer;
 *   2. a joiner receives --live live 256 x 256 images, one every --interval-ms, twice: alone, and
 *      while it fetches every held image; for each live image, the time from the gateway having
 *      sent it (pipeline.accept returned) to the joiner holding the whole frame;
 *   3. the catch-up's own pace: images and MB per second until the last fetched frame arrived.
 *
 *   npx tsx bench/exam-catch-up/run.ts [--held 300] [--live 60] [--interval-ms 50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFrame, type ExamCatalogueMessage } from '../../protocol/index.js';
import { Gateway } from '../../gateway/server/gateway.js';
import { RawClient } from '../../tests/helpers/gateway.js';
import { ensureTestAccount, registerTestGateway } from '../../tests/helpers/accounts.js';
import { mrImage } from '../../tests/helpers/mr-images.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: { held: { type: 'string', default: '300' }, live: { type: 'string', default: '60' }, 'interval-ms': { type: 'string', default: '50' } },
});
const HELD = Number(values.held);
const LIVE = Number(values.live);
const INTERVAL_MS = Number(values['interval-ms']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-catch-up-'));

const gateway = await Gateway.start({ port: 0, dataFile: join(dir, 'gateway.sqlite'), examImagesMb: 1024, observerPhi: 'full' });
registerTestGateway(gateway);
await ensureTestAccount(gateway, 'Bench Joiner');
for (let i = 1; i <= HELD; i++) gateway.imaging!.pipeline.accept(mrImage(1 + Math.floor((i - 1) / 30), i, { rows: 512, columns: 512, noise: true }), 'c-store');
console.log(`gateway holds ${gateway.examImages.store.seriesCount} series, ${(gateway.examImages.store.heldBytes / 1e6).toFixed(1)} MB`);

const joiner = await RawClient.greeted(gateway.url, 'operator', 'Bench Joiner');
const heartbeat = setInterval(() => joiner.sendJson({ type: 'ping', t: Date.now() }), 100);
const sentAt = new Map<string, number>();
const liveLatency: number[] = [];
let fetchedCount = 0;
let fetchedBytes = 0;
let lastFetchedAt = 0;
joiner.ws.on('message', (data: Buffer, isBinary: boolean) => {
  if (!isBinary) return;
  const now = performance.now();
  const { header, part10 } = decodeImageFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (header.fetched) {
    fetchedCount++;
    fetchedBytes += part10.length;
    lastFetchedAt = now;
    return;
  }
  const t = sentAt.get(header.sopInstanceUid);
  if (t !== undefined) liveLatency.push(now - t);
});
const catalogue = (await joiner.next<ExamCatalogueMessage>((m) => m.type === 'exam.catalogue')).catalogue;

async function liveRun(series: number): Promise<number[]> {
  liveLatency.length = 0;
  for (let i = 1; i <= LIVE; i++) {
    const part10 = mrImage(series, i, { rows: 256, columns: 256, noise: true });
    gateway.imaging!.pipeline.accept(part10, 'c-store');
    sentAt.set(`2.25.1.${series}.${i}`, performance.now());
    await sleep(INTERVAL_MS);
  }
  await sleep(500);
  return [...liveLatency];
}

const alone = await liveRun(900);
const fetchStart = performance.now();
for (const s of catalogue.series) joiner.sendJson({ type: 'image.fetch', id: `bench-${s.seriesNumber}`, request: { seriesUid: s.seriesUid } });
const during = await liveRun(901);
while (fetchedCount < HELD) await sleep(20);
const catchUpS = (lastFetchedAt - fetchStart) / 1000;

const row = (name: string, l: number[]) => [name, l.length, percentile(l, 50), percentile(l, 95), Math.max(...l)];
printTable(['live images', 'n', 'p50 ms', 'p95 ms', 'max ms'], [row('alone', alone), row(`during a catch-up of ${HELD}`, during)]);
console.log('');
printTable(
  ['catch-up', 'images', 'MB', 's', 'images/s', 'MB/s'],
  [['fetch of every held image', fetchedCount, fetchedBytes / 1e6, catchUpS, fetchedCount / catchUpS, fetchedBytes / 1e6 / catchUpS]],
);

clearInterval(heartbeat);
joiner.close();
await gateway.close();
rmSync(dir, { recursive: true, force: true });
