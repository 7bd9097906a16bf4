/**
 * bench/desk: one workstation desk with ten simulated scanners acquiring at once (time scale 10),
 * each gateway in its own process so that only the workstation is measured. Reports the
 * workstation's CPU and RSS, the focused scanner's preview latency (gateway holds the image ->
 * the desk emits it to the console), the tile update delay (a core's state changes -> a desk
 * push carries it) and the mark round trip (mark.add sent through one core -> its `marks` event
 * at another client of that gateway).
 *
 *   npx tsx bench/desk/run.ts [--scanners 10] [--seconds 15] [--marks 60]
 *
 * The starts go to each core directly: the desk's own rule (maxConcurrentAcquisitions, at most 3)
 * would refuse the fourth, and the load of ten acquisitions is what is measured here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { CollabEventBody, PreviewImage, SiteEntry } from '../../protocol/index.js';
import { Desk } from '../../main/desk/desk.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { createDecodePool } from '../../main/images/decode-pool.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    scanners: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '15' },
    marks: { type: 'string', default: '60' },
    // Internal: run as one gateway child.
    'gateway-child': { type: 'string' },
  },
});

const PERSON = 'Remote Tech';
const OBSERVER = 'Observer';

/** One simulated scanner: a real gateway at time scale 10, onsite checked in and granting control on request. */
async function gatewayChild(name: string): Promise<void> {
  const { startTestGateway } = await import('../../tests/helpers/gateway.js');
  const { onsiteGrants } = await import('../../tests/helpers/onsite.js');
  const gateway = await startTestGateway({ timeScale: 10, requireChecklist: false, site: { name, scanner: 'Simulated', fieldStrengthT: 1.5 } });
  console.log(`url ${gateway.url}`);
  const keep: unknown[] = [];
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'grant') void onsiteGrants(gateway, PERSON).then((onsite) => (keep.push(onsite), console.log('granted')));
    if (line === 'exit') void gateway.close().then(() => process.exit(0));
  });
}

interface Child {
  process: ChildProcess;
  url: string;
  lines: string[];
  waiters: ((line: string) => void)[];
}

function startChild(name: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--gateway-child', name], { stdio: ['pipe', 'pipe', 'inherit'] });
  const child: Child = { process: proc, url: '', lines: [], waiters: [] };
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    child.lines.push(line);
    for (const w of child.waiters.splice(0)) w(line);
  });
  return new Promise((resolve) => {
    const check = (line: string) => {
      if (line.startsWith('url ')) {
        child.url = line.slice(4);
        resolve(child);
      } else child.waiters.push(check);
    };
    child.waiters.push(check);
  });
}

function untilLine(child: Child, text: string): Promise<void> {
  if (child.lines.includes(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (line: string) => (line === text ? resolve() : child.waiters.push(check));
    child.waiters.push(check);
  });
}

const progress = (text: string) => console.error(`bench/desk: ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const count = Number(values.scanners);
  const seconds = Number(values.seconds);
  const markCount = Number(values.marks);
  const { testLogin } = await import('../../tests/helpers/accounts.js');
  const { OPEN_EXAM } = await import('../../tests/helpers/gateway.js');

  const children = await Promise.all(Array.from({ length: count }, (_, i) => startChild(`MR-${i + 1}`)));
  progress(`${count} gateways up`);
  const sites: SiteEntry[] = children.map((c, i) => ({ id: `mr-${i + 1}`, name: `MR-${i + 1}`, url: c.url }));

  // The workstation as the app builds it: one core per site, one decode pool for all.
  const pool = createDecodePool({ size: 1 });
  const desk = new Desk({ makeCore: () => new WorkstationCore(), sharedDecoder: { decode: (frame) => pool.decode(frame), concurrency: 1 } });
  await desk.connectSites({ sites, role: 'operator', ...testLogin(PERSON) });
  while (!desk.deskView().tiles.every((t) => t.link === 'connected')) await sleep(50);
  progress('desk connected');
  for (const c of children) c.process.stdin!.write('grant\n');
  await Promise.all(children.map((c) => untilLine(c, 'granted')));

  progress('control granted');
  // Another client of the first gateway, to see marks arrive.
  const watcher = new WorkstationCore();
  await watcher.connect({ url: sites[0]!.url, role: 'observer', ...testLogin(OBSERVER) });

  // Measurements.
  const previewMs: number[] = [];
  const tileDelayMs: number[] = [];
  const markMs: number[] = [];
  let newestFocusedImage: string | null = null;
  desk.on('image', (image: PreviewImage) => {
    previewMs.push(Date.now() - Date.parse(image.gatewayAt));
    newestFocusedImage = image.sopInstanceUid;
  });
  const pendingSince = new Map<string, number>();
  for (const site of sites) desk.coreOf(site.id)!.on('state', () => void (pendingSince.has(site.id) || pendingSince.set(site.id, nowMs())));
  let deskPushes = 0;
  let imagesTaken = 0;
  for (const site of sites) desk.coreOf(site.id)!.on('image-received', () => void imagesTaken++);
  desk.on('desk', () => {
    deskPushes++;
    const at = nowMs();
    for (const since of pendingSince.values()) tileDelayMs.push(at - since);
    pendingSince.clear();
  });
  const markWaiters = new Map<string, (at: number) => void>();
  watcher.on('collab', (body: CollabEventBody) => {
    if (body.kind === 'mark') markWaiters.get(body.mark.sopInstanceUid)?.(nowMs());
  });

  // Every scanner acquires: an exam and a 20-slice T1 SE (211 s, 21 s at time scale 10).
  await Promise.all(
    sites.map(async (site) => {
      const core = desk.coreOf(site.id)!;
      await core.sendCommand(OPEN_EXAM);
      await core.sendCommand({ name: 'sequence.queue', protocolId: 't1-se-ax' });
      const started = await core.sendCommand({ name: 'scan.start' });
      if (started.state !== 'done') throw new Error(`${site.name}: start refused: ${started.code} ${started.reason}`);
    }),
  );
  const acquiring = () => desk.deskView().tiles.filter((t) => t.state === 'acquiring').length;
  while (acquiring() < count) await sleep(50);

  progress('all acquiring; measuring');
  const cpuStart = process.cpuUsage();
  const wallStart = nowMs();
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 200);
  previewMs.length = 0;
  tileDelayMs.length = 0;
  deskPushes = 0;
  imagesTaken = 0;
  let minAcquiring = count;

  // Marks through the focused core (the first site), spread over the window.
  const markEvery = (seconds * 1000) / (markCount + 1);
  const firstCore = desk.coreOf(sites[0]!.id)!;
  const end = wallStart + seconds * 1000;
  let marksSent = 0;
  while (nowMs() < end) {
    minAcquiring = Math.min(minAcquiring, acquiring());
    if (marksSent < markCount && newestFocusedImage) {
      const sop: string = newestFocusedImage;
      const arrived = new Promise<number>((resolve) => markWaiters.set(sop, resolve));
      const t0 = nowMs();
      const outcome = await firstCore.sendCollab({
        name: 'mark.add',
        sopInstanceUid: sop,
        shape: 'arrow',
        points: [
          [10, 10],
          [40, 40],
        ],
      });
      if (outcome.state === 'done') markMs.push((await arrived) - t0);
      markWaiters.delete(sop);
      marksSent++;
    }
    await sleep(markEvery);
  }
  clearInterval(rssTimer);
  const cpu = process.cpuUsage(cpuStart);
  const wall = nowMs() - wallStart;
  const cpuPct = ((cpu.user + cpu.system) / 1000 / wall) * 100;

  const row = (label: string, samples: number[], target: string) => [label, String(samples.length), percentile(samples, 50), percentile(samples, 99), target];
  console.log(`\nbench/desk: ${count} simulated scanners acquiring at once (time scale 10), one workstation desk, ${seconds} s window`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x ${cpus().length}, Node ${process.version}; ${new Date().toISOString()}`);
  console.log(`command: npx tsx bench/desk/run.ts --scanners ${count} --seconds ${seconds} --marks ${markCount}\n`);
  printTable(
    ['measure', 'n', 'p50 ms', 'p99 ms', 'target'],
    [
      row('focused preview latency', previewMs, 'p99 <= 50 ms'),
      row('tile update delay', tileDelayMs, 'p99 <= 1000 ms'),
      row('mark round trip', markMs, 'p99 <= 200 ms'),
    ],
  );
  console.log('');
  printTable(
    ['workstation', 'value'],
    [
      ['CPU (% of one core)', cpuPct],
      ['RSS max (MiB)', rssMax / 1024 / 1024],
      ['desk pushes per second', deskPushes / (wall / 1000)],
      ['images decoded, all scanners, per second', imagesTaken / (wall / 1000)],
      ['scanners acquiring (min)', String(minAcquiring)],
    ],
  );

  watcher.disconnect();
  desk.disconnect();
  await pool.close();
  for (const c of children) c.process.stdin!.write('exit\n');
  await Promise.all(children.map((c) => new Promise((r) => c.process.once('exit', r))));
}

if (values['gateway-child'] !== undefined) await gatewayChild(values['gateway-child']);
else {
  try {
    await main();
  } catch (err) {
    console.error(err);
    process.exit(1); // the gateway children go with their stdin
  }
}
