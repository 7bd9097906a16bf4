/**
 * DICOM ingest throughput: the same 2,000 MR images (512x512, 16-bit, Explicit VR Little Endian,
 * about 512 KiB each) pushed by DCMTK's storescu in one association into
 *   - the Larmor gateway's receiver (`larmor gateway --dicom-port`, its whole path: PDU guard,
 *     dcmjs-dimse, Part 10 check, image pipeline to every workstation),
 *   - that receiver alone, images dropped once accepted (bench/ingest/scp-only.ts),
 *   - DCMTK's `storescp --ignore` (receives every object, stores nothing), with its default
 *     16 KiB PDUs and its largest, 128 KiB, and
 *   - `storescp` keeping every object, a file each in the round's scratch directory,
 * alternately, in one run; the table gives the median of the rounds. `--reference-root DIR` adds
 * the gateway of another checkout (built: `git worktree add DIR REV`, `npm run build` there),
 * for a change's before and after in the same run.
 *   npx tsx bench/ingest/run.ts [--images N] [--rounds N] [--reference-root DIR]
 * Needs `npm run build` (the gateway runs from dist/ as its own process, as storescp does).
 * Images are generated once into bench/.data/ingest-N/ (gitignored).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tag } from '../../native-bridge/dicom/index.js';
import { makePhantomFrames } from '../rle/mr-phantom.js';
import { mrPart10 } from '../lib/mr-part10.js';
import { printTable } from '../lib/stats.js';
import { numberArg, stringArg } from '../lib/args.js';
import { freePort, waitForPort } from '../lib/ports.js';
import { addAccount, stopProcess } from '../../tests/helpers/gateway-process.js';
import type { gatewayProcessEnv } from '../../main/start/gateway-process-env.js';
import type { gcNodeOptions } from '../../base/node/gc-node-options.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const IMAGES = numberArg('--images', 2000);
const ROUNDS = numberArg('--rounds', 3);
const REFERENCE_ROOT = stringArg('--reference-root');
const ROWS = 512;
const COLUMNS = 512;
/**
 * Debian's DCMTK leaves Nagle's algorithm on unless TCP_NODELAY is set (upstream turns it off),
 * which costs every C-STORE a delayed ACK (about 50 ms here). Set for storescu and storescp alike.
 */
const DCMTK_ENV = { ...process.env, TCP_NODELAY: '1' };
const DISTINCT_PIXELS = 16; // pixel content repeats; every file has its own UIDs and instance number

function ensureImages(): string {
  const dir = join(ROOT, `bench/.data/ingest-${IMAGES}`);
  if (existsSync(dir) && readdirSync(dir).length === IMAGES) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const frames = makePhantomFrames({ rows: ROWS, columns: COLUMNS, frames: DISTINCT_PIXELS });
  const frameBytes = ROWS * COLUMNS * 2;
  for (let i = 0; i < IMAGES; i++) {
    const pixels = frames.subarray((i % DISTINCT_PIXELS) * frameBytes, ((i % DISTINCT_PIXELS) + 1) * frameBytes);
    const part10 = mrPart10(ROWS, COLUMNS, pixels, [
      { tag: Tag.SOPInstanceUID, vr: 'UI', value: `2.25.2026120204${String(i).padStart(5, '0')}` },
      { tag: 0x00080060, vr: 'CS', value: 'MR' },
      { tag: 0x00100010, vr: 'PN', value: 'BENCH^INGEST' },
      { tag: 0x00100020, vr: 'LO', value: 'BENCH-1' },
      { tag: 0x0020000d, vr: 'UI', value: '2.25.20261202041' },
      { tag: 0x0020000e, vr: 'UI', value: '2.25.20261202042' },
      { tag: 0x00200013, vr: 'IS', value: i + 1 },
    ]);
    writeFileSync(join(dir, `mr-${String(i).padStart(5, '0')}.dcm`), part10);
  }
  return dir;
}

interface Receiver {
  name: string;
  start(port: number, scratch: string): ChildProcess;
}

/**
 * The Node options and environment a checkout's launchers give its gateway
 * (base/node/gc-node-options.ts, main/start/gateway-process-env.ts), read from its build: a
 * reference checkout's gateway runs as that checkout runs it.
 */
async function launchOptions(root: string): Promise<{ nodeOptions: string[]; env: NodeJS.ProcessEnv }> {
  if (!existsSync(join(root, 'dist/gateway/cli.js'))) throw new Error(`run \`npm run build\` in ${root} first`);
  const gc = (await import(join(root, 'dist/base/node/gc-node-options.js'))) as { gcNodeOptions: typeof gcNodeOptions };
  const env = (await import(join(root, 'dist/main/start/gateway-process-env.js'))) as { gatewayProcessEnv: typeof gatewayProcessEnv };
  return { nodeOptions: gc.gcNodeOptions(), env: env.gatewayProcessEnv() };
}

/** `larmor gateway --dicom-port` of the checkout at `root`, as a service runs it (its launchers' environment and Node options). */
async function gatewayReceiver(name: string, root: string): Promise<Receiver> {
  const { nodeOptions, env } = await launchOptions(root);
  return {
    name,
    start: (port, scratch) => {
      // The gateway starts only with an account someone could sign in with.
      addAccount(scratch, 'bench.operator', 'operator', 'bench password of some length', join(root, 'bin/larmor.js'));
      return spawn(
        process.execPath,
        [...nodeOptions, join(root, 'bin/larmor.js'), 'gateway', '--port', '0', '--dicom-port', String(port), '--data-dir', scratch],
        {
          stdio: 'ignore',
          env,
        },
      );
    },
  };
}

const receivers: Receiver[] = [
  await gatewayReceiver('larmor gateway', ROOT),
  ...(REFERENCE_ROOT ? [await gatewayReceiver(`larmor gateway of ${REFERENCE_ROOT} (reference)`, REFERENCE_ROOT)] : []),
  {
    name: 'larmor receiver alone',
    start: (port) => spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ingest/scp-only.ts'), String(port)], { stdio: 'ignore' }),
  },
  {
    name: 'storescp --ignore',
    start: (port) => spawn('storescp', ['--ignore', '-aet', 'LARMOR', String(port)], { stdio: 'ignore', env: DCMTK_ENV }),
  },
  {
    // DCMTK advertises 16 KiB by default; 128 KiB is the most its --max-pdu allows.
    name: 'storescp --ignore --max-pdu 131072',
    start: (port) => spawn('storescp', ['--ignore', '--max-pdu', '131072', '-aet', 'LARMOR', String(port)], { stdio: 'ignore', env: DCMTK_ENV }),
  },
  {
    // DCMTK keeping what it receives, the nearest it comes to the gateway's whole path: a file
    // each, written before the response.
    name: 'storescp -od DIR --max-pdu 131072 (stores)',
    start: (port, scratch) => spawn('storescp', ['-od', scratch, '--max-pdu', '131072', '-aet', 'LARMOR', String(port)], { stdio: 'ignore', env: DCMTK_ENV }),
  },
];

/** Seconds for storescu to send every file in one association; throws when any store failed. */
function push(port: number, dir: string): number {
  const started = performance.now();
  const result = spawnSync('storescu', ['-aet', 'BENCH', '-aec', 'LARMOR', '+sd', '127.0.0.1', String(port), dir], { encoding: 'utf8', env: DCMTK_ENV });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`storescu failed (${result.status}): ${result.stderr.slice(0, 500)}`);
  return seconds;
}

/** CPU seconds a process has used so far, its threads included (Linux: /proc/PID/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime, fields 14 and 15 of proc(5)
}

/** Each round's figure, as the table's last columns list them. */
function rounds(values: number[]): string {
  return values.map((s) => s.toFixed(2)).join(' ');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = ensureImages();
  const bytes = IMAGES * (ROWS * COLUMNS * 2);
  const times = new Map<string, number[]>(receivers.map((r) => [r.name, []]));
  const cpu = new Map<string, number[]>(receivers.map((r) => [r.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first, so neither always gets the warmer page cache.
    const order = round % 2 === 0 ? receivers : [...receivers].reverse();
    for (const receiver of order) {
      const scratch = mkdtempSync(join(tmpdir(), 'larmor-ingest-'));
      const port = await freePort();
      const child = receiver.start(port, scratch);
      try {
        await waitForPort(port, child);
        const cpuBefore = cpuSeconds(child.pid!);
        times.get(receiver.name)!.push(push(port, dir));
        cpu.get(receiver.name)!.push(cpuSeconds(child.pid!) - cpuBefore);
      } finally {
        await stopProcess(child);
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
  console.log(
    `DICOM ingest: ${IMAGES} MR images ${ROWS}x${COLUMNS} 16-bit (${(bytes / 1e6).toFixed(0)} MB of pixels), storescu, one association, median of ${ROUNDS} rounds`,
  );
  printTable(
    ['receiver', 'seconds', 'images/s', 'MB/s', 'all rounds (s)', 'receiver CPU s', 'all rounds (CPU s)'],
    receivers.map((r) => {
      const t = median(times.get(r.name)!);
      return [r.name, t, IMAGES / t, bytes / 1e6 / t, rounds(times.get(r.name)!), median(cpu.get(r.name)!), rounds(cpu.get(r.name)!)];
    }),
  );
}

await main();
