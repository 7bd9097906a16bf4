/**
 * The exam catalogue under a storm of series: a DICOM peer that starts a new series with every
 * image (some modalities send screenshots or scouts this way, and anyone on the allow list can),
 * beside the same images in one series, in one run. Each new series changes what the catalogue
 * tells (docs/architecture.md "The image's path"), and the catalogue holds every series with its
 * thumbnail: up to 200 series, 1.1 MB. Reports what each connected workstation received of it,
 * the heartbeat round trip meanwhile, and this process's CPU (the gateway and its clients, all
 * on loopback in this process, as in bench/exam-catch-up).
 *
 *   npx tsx bench/catalogue-storm/run.ts [--images 300] [--clients 6] [--per-second 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gateway } from '../../gateway/server/gateway.js';
import { RawClient } from '../../tests/helpers/gateway.js';
import { ensureTestAccount, registerTestGateway } from '../../tests/helpers/accounts.js';
import { mrImage } from '../../tests/helpers/mr-images.js';
import { numberArg } from '../lib/args.js';
import { percentile, printTable } from '../lib/stats.js';

const IMAGES = numberArg('--images', 300);
const CLIENTS = numberArg('--clients', 6);
const PER_SECOND = numberArg('--per-second', 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storm(seriesPerImage: boolean): Promise<(string | number)[]> {
  const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-catalogue-'));
  const gateway = await Gateway.start({ port: 0, dataFile: join(dir, 'gateway.sqlite'), examImagesMb: 1024 });
  registerTestGateway(gateway);
  const clients: RawClient[] = [];
  const rtts: number[] = [];
  const catalogues = { count: 0, bytes: 0 };
  for (let i = 0; i < CLIENTS; i++) {
    const role = i === 0 ? 'operator' : 'observer';
    await ensureTestAccount(gateway, `Bench ${i}`, [role]);
    const client = await RawClient.greeted(gateway.url, role, `Bench ${i}`);
    client.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const text = data.toString();
      if (text.startsWith('{"type":"exam.catalogue"')) [catalogues.count, catalogues.bytes] = [catalogues.count + 1, catalogues.bytes + data.length];
      if (text.startsWith('{"type":"pong"')) rtts.push(Date.now() - (JSON.parse(text) as { t: number }).t);
    });
    clients.push(client);
  }
  const heartbeat = setInterval(() => clients.forEach((c) => c.sendJson({ type: 'ping', t: Date.now() })), 100);
  // Made before the clock starts: a peer hands the gateway its bytes made.
  const images = Array.from({ length: IMAGES }, (_, i) =>
    seriesPerImage ? mrImage(i + 1, 1, { rows: 256, columns: 256 }) : mrImage(1, i + 1, { rows: 256, columns: 256 }),
  );
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (const [i, part10] of images.entries()) {
    gateway.imaging!.pipeline.accept(part10, 'c-store');
    await sleep(Math.max(0, start + ((i + 1) * 1000) / PER_SECOND - performance.now()));
  }
  await sleep(1000);
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(heartbeat);
  for (const client of clients) client.close();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
  return [
    seriesPerImage ? 'a new series each image' : 'one series (reference)',
    IMAGES,
    catalogues.count / CLIENTS,
    catalogues.bytes / CLIENTS / 1e6,
    percentile(rtts, 50),
    percentile(rtts, 99),
    (used.user + used.system) / 1e6,
    seconds,
  ];
}

const rows = [await storm(false), await storm(true)];
console.log(`${IMAGES} MR images of 256 x 256 at ${PER_SECOND} a second, ${CLIENTS} workstations (1 operator), one process; node ${process.version}\n`);
printTable(['images arrive in', 'images', 'catalogues each', 'MB each', 'heartbeat RTT p50 ms', 'p99 ms', 'CPU s', 'seconds'], rows);
