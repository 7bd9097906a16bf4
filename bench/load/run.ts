/**
 * bench/load: a training class on one gateway. 1 operator (keeping the simulator acquiring),
 * 1 onsite console, 20 observers (headless workstations, decoding every image), and storescu
 * pushing 512x512 MR images at 20 per second, for --minutes (default 10). Reports preview latency
 * (gateway holds the image -> decoded at the workstation) for the operator and the slowest
 * observer, heartbeat RTT p99, RSS at start and end and CPU of the gateway and the workstation
 * processes, and images lost (published by the gateway but not taken by a workstation).
 *
 *   npx tsx bench/load/run.ts [--minutes 10] [--observers 20] [--rate 20] [--observer-workers 1] [--observer-processes 1] [--others-nice idle|0-19]
 *
 * The gateway and storescu's driver run in this process; the onsite console, the operator and
 * the observers each in a child process (as they would be on their own machines). What stands
 * in for the other machines (observers, onsite console, the scanner's storescu) runs in Linux's
 * idle scheduling class by default (SCHED_IDLE, sched(7)): on site their CPU is not the
 * gateway's or the operator's, so here they take only what those two leave. At nice 10, the
 * observers' twenty decoding threads still competed with the operator's decoder whenever
 * storescu's images arrived: in back-to-back 3-minute runs the operator's p99 was 37 ms at nice
 * 10 and 28 ms in the idle class. `--others-nice N` runs them at nice N instead; 0 has all of
 * them compete for this machine's cores as equals.
 *
 * The operator's preview latency is also split in two: from the gateway to the whole frame in
 * the workstation (sending, the network, reading), and from there to the decoded image (waiting
 * for the decoding worker, and decoding).
 *
 * RSS growth is given twice: from the start (a cold process: before any workstation connected,
 * any worker started, any cache filled) and from the end of the first minute, once the workers
 * are up and the resume buffer's and exam image store's byte budgets have begun to fill. Two
 * figures can land on either end of a garbage collector's swing, so each process also gets a
 * trend: the least-squares slope of its RSS, sampled every 10 s from the end of minute 1
 * (rss-samples.ts), and the rise that slope makes over the rest of the run. That is what a leak
 * would show as.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Gateway } from '../../gateway/server/gateway.js';
import { Tag } from '../../native-bridge/dicom/index.js';
import { TEST_SCRYPT, ensureTestAccount, registerTestGateway } from '../../tests/helpers/accounts.js';
import { watchPublishedImages } from '../../tests/helpers/published-images.js';
import { makePhantomFrames } from '../rle/mr-phantom.js';
import { mrPart10 } from '../lib/mr-part10.js';
import { percentile, printTable, slopePerMinute } from '../lib/stats.js';
import { RSS_SAMPLE_MS, SAMPLES_PER_MINUTE } from './rss-samples.js';
import { gatewayProcessEnv } from '../../main/start/gateway-process-env.js';
import { gcNodeOptions } from '../../base/node/gc-node-options.js';

// The gateway runs in this process: run it as the launchers run a gateway, glibc's malloc held
// to two arenas (main/start/gateway-process-env.ts) and with their Node options
// (base/node/gc-node-options.ts), unless MALLOC_ARENA_MAX is set already.
if (process.env.MALLOC_ARENA_MAX === undefined) {
  const rerun = spawnSync(process.execPath, [...process.execArgv, ...gcNodeOptions(), ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: gatewayProcessEnv(),
  });
  process.exit(rerun.status ?? 1);
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    observers: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' },
    'observer-workers': { type: 'string', default: '1' },
    'observer-processes': { type: 'string', default: '1' },
    'others-nice': { type: 'string', default: 'idle' },
  },
});
const SECONDS = Math.round(Number(values.minutes) * 60);
const OBSERVERS = Number(values.observers);
const RATE = Number(values.rate);
/** The command prefix that runs a stand-in for another machine: idle class, or a nice level. */
const OTHERS = values['others-nice'] === 'idle' ? ['chrt', '--idle', '0'] : ['nice', '-n', String(Number(values['others-nice']))];
const work = mkdtempSync(join(tmpdir(), 'larmor-load-'));

/** RATE distinct 512x512 16-bit MR files for storescu. */
function mrFiles(): string[] {
  const dir = join(work, 'mr');
  mkdirSync(dir);
  const frames = makePhantomFrames({ rows: 512, columns: 512, frames: RATE });
  const files: string[] = [];
  for (let i = 0; i < RATE; i++) {
    const path = join(dir, `mr${i}.dcm`);
    writeFileSync(
      path,
      mrPart10(512, 512, frames.subarray(i * 512 * 512 * 2, (i + 1) * 512 * 512 * 2), [
        { tag: Tag.SOPInstanceUID, vr: 'UI', value: `2.25.77${i + 1}` },
        { tag: 0x0020000d, vr: 'UI', value: '2.25.770' },
        { tag: 0x0020000e, vr: 'UI', value: '2.25.771' },
        { tag: 0x00200013, vr: 'IS', value: String(i + 1) },
      ]),
    );
    files.push(path);
  }
  return files;
}

interface ClientReport {
  role: string;
  rssStart: number;
  rssEnd: number;
  /** Every RSS_SAMPLE_MS from "go". */
  rssSamples: number[];
  cpuSeconds: number;
  clients: {
    latencies: number[];
    /** Per image: gateway -> whole frame here, and whole frame -> decoded, ms. */
    split: [number, number][];
    rtts: number[];
    images: number;
    refused: Record<string, number>;
    links: string[];
  }[];
}

function startClients(
  url: string,
  role: 'operator' | 'observer' | 'onsite',
  count: number,
  /** Decoding workers per workstation; the shells' own number (decode-pool.ts) when not given. */
  workers?: number,
  /** The first observer's number: each process of several signs in observers of its own. */
  first = 1,
): { ready: Promise<void>; report: Promise<ClientReport>; tell(word: string): void } {
  // The operator is measured as the gateway is; the others stand in for machines of their own.
  const [command, ...prefix] = role === 'operator' ? ['nice', '-n', '0'] : OTHERS;
  const child = spawn(
    command!,
    [
      ...prefix,
      process.execPath,
      ...['--import', 'tsx', join(import.meta.dirname, 'clients.ts'), '--url', url, '--role', role, '--count', String(count), '--first', String(first)],
      ...(workers === undefined ? [] : ['--workers', String(workers)]),
      ...['--heartbeat-ms', String(Math.max(20, gateway.heartbeatIntervalMs / 2))],
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const report = new Promise<ClientReport>((resolve) =>
    lines.on('line', (line) => (line === 'ready' ? onReady() : line.startsWith('{') && resolve(JSON.parse(line)))),
  );
  return { ready, report, tell: (word) => child.stdin!.write(`${word}\n`) };
}

const files = mrFiles();
const gateway = await Gateway.start({
  port: 0,
  dataFile: join(work, 'gateway.sqlite'),
  timeScale: 5,
  autoGrantControl: true,
  requireChecklist: false,
  dicom: { port: 0 },
  scrypt: TEST_SCRYPT,
});
// Everyone signs in (bench/load/clients.ts uses the test accounts' login).
registerTestGateway(gateway);
for (const name of ['Onsite Tech', 'Remote Tech', ...Array.from({ length: OBSERVERS }, (_, i) => `Observer ${i + 1}`)]) await ensureTestAccount(gateway, name);
let published = 0;
watchPublishedImages(gateway, () => published++);
const gatewayRssStart = process.memoryUsage().rss;
// How long the gateway's event loop was held at a time: what delays every image and heartbeat it handles.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const gatewayCpuStart = process.cpuUsage();

// The onsite console in a process of its own, as on its own machine (in this one, its receiving
// every image would count as the gateway's CPU and delay its event loop).
const onsite = startClients(gateway.url, 'onsite', 0);
await onsite.ready;
const operator = startClients(gateway.url, 'operator', 1);
await operator.ready;
// The observers share one process by default (on site each has its own machine), one worker each;
// `--observer-processes N` spreads them over N processes, N = OBSERVERS giving each its own, so
// that a process's memory is one workstation's, as on site.
const PROCESSES = Math.max(1, Math.min(OBSERVERS, Number(values['observer-processes'])));
const observerGroups = Array.from({ length: PROCESSES }, (_, p) => {
  const first = Math.floor((p * OBSERVERS) / PROCESSES) + 1;
  const count = Math.floor(((p + 1) * OBSERVERS) / PROCESSES) + 1 - first;
  return startClients(gateway.url, 'observer', count, Number(values['observer-workers']), first);
});
const observers = {
  ready: Promise.all(observerGroups.map((g) => g.ready)),
  report: Promise.all(observerGroups.map((g) => g.report)),
  tell: (word: string) => observerGroups.forEach((g) => g.tell(word)),
};
await observers.ready;
// Count from here: every workstation is connected before the first image is published.
published = 0;
operator.tell('go');
observers.tell('go');
console.log(
  `training class: 1 operator, 1 onsite, ${OBSERVERS} observers, storescu ${RATE}/s of 512x512 MR, ${SECONDS} s; others ${values['others-nice'] === 'idle' ? 'in the idle class' : `at nice ${values['others-nice']}`}; gateway ${gateway.url}; load average at start ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);

// Gateway RSS through the run: whether it levels off once the event buffer's byte budget is full.
const gatewayRssSamples: number[] = [];
const rssSampler = setInterval(() => gatewayRssSamples.push(process.memoryUsage().rss), RSS_SAMPLE_MS);
// storescu: one association per second carrying RATE images, started by a shell loop of its own,
// as by a scanner: forking this process (the gateway's, some 250 MB) every second held its event
// loop for tens of milliseconds each time, which no gateway at a site pays.
let pushed = 0;
const pushing = spawn(
  OTHERS[0]!,
  [
    ...OTHERS.slice(1),
    'bash',
    '-c',
    'while :; do (storescu -aec LARMOR 127.0.0.1 "$0" "$@" >/dev/null 2>&1 && echo pushed) & sleep 1; done',
    String(gateway.imaging!.dicomPort),
    ...files,
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
createInterface({ input: pushing.stdout! }).on('line', () => (pushed += files.length));
await new Promise((r) => setTimeout(r, SECONDS * 1000));
pushing.kill(); // storescu runs still under way finish on their own
clearInterval(rssSampler);
operator.tell('hold'); // no new series, and the running one stopped (bench/load/clients.ts)
await new Promise((r) => setTimeout(r, 20_000)); // the last storescu association and series drain
// The gateway's figures now, before the clients report: their reports (every image's latency,
// 20 observers' worth) are parsed in this process, the gateway's, and counted as its memory and CPU.
const gatewayCpu = process.cpuUsage(gatewayCpuStart);
const gatewayRssEnd = process.memoryUsage().rss;
const gatewayEnd = { heldBytes: gateway.events.heldBytes, imageFrameBytes: gateway.events.heldImageBytes, ...process.memoryUsage() };
// The exam image store's spool (exam-images/ beside the data file): what it holds on disk, observer copies included.
const spoolDir = join(work, 'exam-images');
const spoolFiles = readdirSync(spoolDir);
const spoolBytes = spoolFiles.reduce((n, file) => n + statSync(join(spoolDir, file)).size, 0);
// With node --expose-gc: what is still referenced, as opposed to garbage not yet collected.
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const gatewayAfterGc = gc ? process.memoryUsage() : null;
operator.tell('stop');
observers.tell('stop');
onsite.tell('stop');
const [op, observerReports] = await Promise.all([operator.report, observers.report]);
/** The observers' processes as one: their clients, CPU and memory summed. */
const obs: ClientReport = {
  role: 'observer',
  rssStart: observerReports.reduce((n, r) => n + r.rssStart, 0),
  rssEnd: observerReports.reduce((n, r) => n + r.rssEnd, 0),
  rssSamples: observerReports[0]!.rssSamples.map((_, i) => observerReports.reduce((n, r) => n + (r.rssSamples[i] ?? r.rssEnd), 0)),
  cpuSeconds: observerReports.reduce((n, r) => n + r.cpuSeconds, 0),
  clients: observerReports.flatMap((r) => r.clients),
};

const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
const growth = (from: number | undefined, to: number) => (from === undefined ? '-' : `${to >= from ? '+' : ''}${((to / from - 1) * 100).toFixed(0)}%`);
/** The samples at the end of each minute. */
const byMinute = (samples: number[]) => samples.filter((_, i) => (i + 1) % SAMPLES_PER_MINUTE === 0);
/** Start -> end, growth from the start and from the end of minute 1 (see the top of this file). */
const rssRow = (start: number, samples: number[], end: number) =>
  `${mb(start)} -> ${mb(end)} (${growth(start, end)}; from minute 1 ${mb(byMinute(samples)[0] ?? NaN)}: ${growth(byMinute(samples)[0], end)})`;
/** Slope from the end of minute 1 in MB a minute, and the rise it makes over the rest of the run against the level at minute 1. */
const trend = (samples: number[]) => {
  const after = samples.slice(SAMPLES_PER_MINUTE - 1);
  const slope = slopePerMinute(after, RSS_SAMPLE_MS);
  const rise = (slope * (after.length - 1) * RSS_SAMPLE_MS) / 60_000;
  return `${(slope / 1024 / 1024).toFixed(1)} (${rise >= 0 ? '+' : ''}${((rise / after[0]!) * 100).toFixed(0)}%)`;
};
/** "min / median / max" of per-process figures, a percentage unless `digits` is given. */
const minMedianMax = (values: number[], digits?: number) =>
  [Math.min(...values), percentile(values, 50), Math.max(...values)]
    .map((v) => (digits === undefined ? `${v >= 0 ? '+' : ''}${v.toFixed(0)}%` : v.toFixed(digits)))
    .join(' / ');
const operatorClient = op.clients[0]!;
const observerP99 = obs.clients.map((c) => ({ c, p99: percentile(c.latencies, 99) }));
const slowest = observerP99.reduce((a, b) => (b.p99 > a.p99 ? b : a), { c: { latencies: [] as number[] }, p99: -Infinity }).c;
const rtts = [...op.clients, ...obs.clients].flatMap((c) => c.rtts);
const lost = [...op.clients, ...obs.clients].map((c) => published - c.images);
console.log(
  `\nimages published by the gateway: ${published} (storescu delivered ${pushed}); node ${process.version}; ${new Date().toISOString()}; load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}\n`,
);
printTable(
  ['measure', 'value'],
  [
    ['preview latency operator p50 / p99 ms', `${percentile(operatorClient.latencies, 50)} / ${percentile(operatorClient.latencies, 99)}`],
    [
      'operator: to the workstation / decoding p50 / p99 ms',
      [0, 1]
        .map((part) => operatorClient.split.map((s) => s[part]!))
        .map((ms) => `${percentile(ms, 50)} / ${percentile(ms, 99)}`)
        .join(' ; '),
    ],
    ['preview latency slowest observer p50 / p99 ms', `${percentile(slowest.latencies, 50)} / ${percentile(slowest.latencies, 99)}`],
    [`heartbeat RTT p99 ms (all ${OBSERVERS + 1} workstations)`, percentile(rtts, 99)],
    [
      'gateway event loop delay p50 / p99 / max ms',
      [50, 99].map((p) => (loopDelay.percentile(p) / 1e6).toFixed(0)).join(' / ') + ` / ${(loopDelay.max / 1e6).toFixed(0)}`,
    ],
    ['gateway RSS start -> end MB', rssRow(gatewayRssStart, gatewayRssSamples, gatewayRssEnd)],
    ['gateway RSS each minute MB', byMinute(gatewayRssSamples).map(mb).join(' ')],
    [
      'gateway at end: event buffer held (image frames) / heap used / array buffers MB',
      `${mb(gatewayEnd.heldBytes)} (${mb(gatewayEnd.imageFrameBytes)}) / ${mb(gatewayEnd.heapUsed)} / ${mb(gatewayEnd.arrayBuffers)}`,
    ],
    [
      'gateway at end: exam images on disk MB (files; held of the bound MB)',
      `${mb(spoolBytes)} (${spoolFiles.length}; ${mb(gateway.examImages.store.heldBytes)} of ${mb(gateway.examImages.store.maxBytes)})`,
    ],
    ...(gatewayAfterGc ? [['gateway after a full GC: RSS / array buffers MB', `${mb(gatewayAfterGc.rss)} / ${mb(gatewayAfterGc.arrayBuffers)}`]] : []),
    ['operator process RSS start -> end MB', rssRow(op.rssStart, op.rssSamples, op.rssEnd)],
    ['operator process RSS each minute MB', byMinute(op.rssSamples).map(mb).join(' ')],
    [
      `observers ${PROCESSES === 1 ? 'process' : `${PROCESSES} processes, summed`} (${OBSERVERS}) RSS start -> end MB`,
      rssRow(obs.rssStart, obs.rssSamples, obs.rssEnd),
    ],
    [`observers ${PROCESSES === 1 ? 'process' : 'processes, summed,'} RSS each minute MB`, byMinute(obs.rssSamples).map(mb).join(' ')],
    ...(PROCESSES === 1
      ? []
      : [
          [
            'each observer process: RSS from minute 1, growth min / median / max',
            minMedianMax(observerReports.map((r) => (r.rssEnd / byMinute(r.rssSamples)[0]! - 1) * 100)),
          ],
          [
            'each observer process: RSS trend from minute 1, MB a minute min / median / max',
            minMedianMax(
              observerReports.map((r) => slopePerMinute(r.rssSamples.slice(SAMPLES_PER_MINUTE - 1), RSS_SAMPLE_MS) / 1024 / 1024),
              1,
            ),
          ],
        ]),
    [
      'RSS trend from minute 1, MB a minute (rise over the run): gateway / operator / observers',
      [gatewayRssSamples, op.rssSamples, obs.rssSamples].map(trend).join(' / '),
    ],
    [
      'CPU s (gateway / operator / observers)',
      `${((gatewayCpu.user + gatewayCpu.system) / 1e6).toFixed(1)} / ${op.cpuSeconds.toFixed(1)} / ${obs.cpuSeconds.toFixed(1)}`,
    ],
    ['images lost (max over workstations)', Math.max(...lost)],
    [
      'images taken: operator / observers min-max',
      `${operatorClient.images} / ${OBSERVERS === 0 ? '-' : `${Math.min(...obs.clients.map((c) => c.images))}-${Math.max(...obs.clients.map((c) => c.images))}`}`,
    ],
  ],
);
for (const [i, c] of [...op.clients, ...obs.clients].entries()) {
  if (c.images < published || c.links.length > 2)
    console.log(
      `workstation ${i}: ${c.images} images, refused ${JSON.stringify(c.refused)}, link ${c.links.slice(0, 8).join(', ')}${c.links.length > 8 ? ` ... (${c.links.length})` : ''}`,
    );
}
await onsite.report;
await gateway.close();
spawnSync('rm', ['-rf', work]);
process.exit(0);
