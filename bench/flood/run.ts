/**
 * Connection floods against a running gateway (`larmor gateway --dicom-port`, from dist/ as its
 * own process): N connections from one address that never finish what they start,
 *   - to the web and WebSocket port, sending request headers a line at a time ("slowloris"),
 *   - to the web port again, each a whole request at once and another every second on the same
 *     kept-alive socket, every one answered,
 *   - to the DICOM port, saying nothing (no A-ASSOCIATE-RQ),
 * one flood after the other, each trickling for at most 20 s. For each it prints what the gateway held: open file descriptors
 * and RSS (/proc) idle before the flood (the reference, same run), at the flood's peak and once
 * it let go, how many connections it closed at once, and how long it held any. While each flood
 * is open, a peer at the flood's own address (as behind the same NAT address) does what it came
 * for: a browser loads the onsite console's page, DCMTK's storescu sends an image. The same
 * before any flood is the reference.
 *   npx tsx bench/flood/run.ts [--connections 15000]
 * Needs `npm run build`, DCMTK and the sample files. Linux only (/proc).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from '../lib/stats.js';
import { numberArg } from '../lib/args.js';
import { freePort, waitForPort } from '../lib/ports.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CONNECTIONS = numberArg('--connections', 15_000);
const SAMPLE_MS = 250;
/** How long a flood keeps trickling: past the web port's 10 s for headers, so that a kept-alive flood ends too. */
const TRICKLE_MS = 20_000;

const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface FloodResult {
  flood: string;
  idleFds: number;
  peakFds: number;
  idleRss: number;
  peakRss: number;
  closedAtOnce: number;
  heldSeconds: number;
  afterFds: number;
  /** What a peer at the flood's address came for, while the flood was open: seconds, or why it failed. */
  peer: string;
}

const SAMPLES = process.env.LARMOR_DICOM_SAMPLES ?? join(ROOT, '../shared/dicom-samples');

/** storescu sends one image (in its own process, while this one keeps the flood's sockets): its time in seconds, or its failure. */
async function scannerStore(port: number): Promise<string> {
  const started = performance.now();
  const args = ['-aet', 'SCANNER', '-aec', 'LARMOR', '127.0.0.1', String(port), join(SAMPLES, 'MR_small.dcm')];
  const failure = await new Promise<string | null>((resolve) =>
    execFile('storescu', args, (err, _stdout, stderr) => resolve(err ? (stderr.split('\n').find((l) => /^[EF]:/.test(l)) ?? err.message) : null)),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  return failure === null ? `stored in ${seconds} s` : `failed after ${seconds} s: ${failure.slice(0, 60)}`;
}

/** A browser loads the onsite console's page: its time in seconds, or its failure (none within 10 s included). */
async function pageLoad(port: number): Promise<string> {
  const started = performance.now();
  const failure = await fetch(`http://127.0.0.1:${port}/onsite`, { signal: AbortSignal.timeout(10_000) }).then(
    async (response) => (await response.arrayBuffer(), response.ok ? null : `HTTP ${response.status}`),
    (err: Error) => err.message,
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  return failure === null ? `loaded in ${seconds} s` : `failed after ${seconds} s: ${failure.slice(0, 60)}`;
}

/** Opens the flood (every socket sends `say` once connected, then `trickle` every second), samples the gateway until it has closed them all. */
async function flood(name: string, pid: number, port: number, say: string, trickle: string, during?: () => Promise<string>): Promise<FloodResult> {
  await sleep(1000);
  const idleFds = fds(pid);
  const idleRss = rssMb(pid);
  let peakFds = idleFds;
  let peakRss = idleRss;
  const started = performance.now();
  const sockets: Socket[] = [];
  const closedAt: number[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = connect(port, '127.0.0.1', () => say && socket.write(say));
    socket.on('error', () => undefined);
    socket.resume(); // answers, if any, are read and dropped
    socket.once('close', () => closedAt.push(performance.now() - started));
    sockets.push(socket);
    // The kernel's accept queue is finite: a breath every 500 connections, as a real flood has.
    if (i % 500 === 499) await sleep(20);
  }
  const trickling = setInterval(() => {
    if (performance.now() - started > TRICKLE_MS) return clearInterval(trickling);
    for (const s of sockets) if (!s.destroyed && trickle) s.write(trickle);
  }, 1000);
  await sleep(500); // the last of the flood is accepted
  const peer = (await during?.()) ?? '-';
  // Until the gateway holds no more than it did idle, for two seconds on end. Connections the
  // kernel queued and the gateway never accepted stay open on this side only: not waited for.
  let heldUntil = performance.now();
  while (closedAt.length < CONNECTIONS && performance.now() - heldUntil < 2000) {
    const now = fds(pid);
    peakFds = Math.max(peakFds, now);
    peakRss = Math.max(peakRss, rssMb(pid));
    if (now > idleFds + 2) heldUntil = performance.now();
    await sleep(SAMPLE_MS);
  }
  clearInterval(trickling);
  for (const s of sockets) s.destroy();
  // "At once": closed within two seconds of the flood's start, while it was still being opened.
  const closedAtOnce = closedAt.filter((t) => t < 2000).length;
  await sleep(1000);
  return { flood: name, idleFds, peakFds, idleRss, peakRss, closedAtOnce, heldSeconds: (heldUntil - started) / 1000, afterFds: fds(pid), peer };
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'larmor-flood-'));
  const added = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/larmor.js'), 'gateway', 'users', 'add', 'bench.operator', '--roles', 'operator', '--data-dir', scratch],
    { input: 'bench password of some length\n', encoding: 'utf8' },
  );
  if (added.status !== 0) throw new Error(`larmor gateway users add failed: ${added.stderr}`);
  const webPort = await freePort();
  const dicomPort = await freePort();
  const gateway: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/larmor.js'), 'gateway', '--port', String(webPort), '--dicom-port', String(dicomPort), '--data-dir', scratch],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(webPort);
    await waitForPort(dicomPort);
    const pid = gateway.pid!;
    const references = [await pageLoad(webPort), await scannerStore(dicomPort)];
    const results = [
      await flood('web port, slowloris', pid, webPort, 'GET /onsite HTTP/1.1\r\nHost: gateway\r\n', 'X-Slow: 1\r\n', () => pageLoad(webPort)),
      await flood('web port, kept alive', pid, webPort, 'GET /onsite HTTP/1.1\r\nHost: gateway\r\n\r\n', 'GET /onsite HTTP/1.1\r\nHost: gateway\r\n\r\n', () =>
        pageLoad(webPort),
      ),
      await flood('DICOM port, silent', pid, dicomPort, '', '', () => scannerStore(dicomPort)),
    ];
    console.log(`${CONNECTIONS} connections from 127.0.0.1 per flood; the gateway idle before each flood is the reference.`);
    console.log(`From 127.0.0.1 before any flood (reference): the page ${references[0]}; a scanner's store ${references[1]}.\n`);
    printTable(
      ['flood', 'fds idle', 'fds peak', 'fds after', 'RSS idle MB', 'RSS peak MB', 'closed at once', 'held for s', 'peer at its address during it'],
      results.map((r) => [
        r.flood,
        String(r.idleFds),
        String(r.peakFds),
        String(r.afterFds),
        r.idleRss,
        r.peakRss,
        String(r.closedAtOnce),
        r.heldSeconds,
        r.peer,
      ]),
    );
  } finally {
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
