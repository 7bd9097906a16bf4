import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { runRecord } from '../../../main/record/record-command.js';
import { Journal } from '../../../main/journal/journal.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ErrorCode } from '../../../protocol/index.js';
import { mrImage } from '../../helpers/mr-images.js';
import { TEST_PASSWORD, signInAt, testUserId } from '../../helpers/accounts.js';
import type { SignInRefusal } from '../../../protocol/index.js';

let gateway: Gateway | undefined;
const proxies: FaultProxy[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  delete process.env.LARMOR_PASSWORD;
  for (const close of closers.splice(0)) await close();
  for (const p of proxies.splice(0)) await p.close();
  await gateway?.close();
  gateway = undefined;
});

function lines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

/** Waits for `check` while the run goes on; a run that ends first fails the test with its status, not by a timeout. */
async function whileRunning(done: Promise<number>, check: () => boolean): Promise<void> {
  let status: number | undefined;
  void done.then((s) => (status = s));
  await until(() => check() || status !== undefined);
  if (!check()) throw new Error(`larmor record stopped with status ${status} before that`);
}

/** What the run wrote to stderr, line by line. */
function captureStderr(): string[] {
  const written: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.join(' ')));
  return written;
}

/**
 * A reverse proxy in front of the gateway: while `down`, it answers every request itself with a
 * JSON error page and 503 (its upstream is gone); once up, it passes each new connection through.
 */
async function proxyInFront(gatewayPort: number): Promise<{ url: string; answered503: () => number; up: () => void }> {
  let down = true;
  let answered = 0;
  const page = createHttpServer((_req, res) => {
    answered++;
    res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ message: 'failure to get a peer from the ring-balancer' }));
  });
  const sockets = new Set<Socket>();
  const front: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (down) return void page.emit('connection', socket);
    const upstream = connect(gatewayPort, '127.0.0.1');
    sockets.add(upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => front.close(resolve));
  });
  return { url: `ws://127.0.0.1:${(front.address() as AddressInfo).port}/`, answered503: () => answered, up: () => (down = false) };
}

/**
 * Wrong passwords for `user` until the gateway holds its sign-ins back for at least `seconds`:
 * each wait it asks for is waited out, and the next wrong guess doubles it.
 */
async function guessUntilHeldBack(url: string, user: string, seconds: number): Promise<void> {
  for (;;) {
    const { status, body } = await signInAt(url, user, 'not the password', 'observer');
    if (status !== 429) continue;
    const wait = (body as SignInRefusal).retryAfterS!;
    if (wait >= seconds) return;
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

describe('larmor record', () => {
  it('writes each health transition with its figures, fails over to --secondary and journals to --journal', async () => {
    gateway = await startTestGateway();
    const primary = await FaultProxy.start(gateway.port);
    const secondary = await FaultProxy.start(gateway.port);
    proxies.push(primary, secondary);
    const out = tempDir();
    const journalFile = join(out, 'journal.sqlite');
    const events = join(out, 'events.jsonl');
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    const done = runRecord(['--gateway', primary.url, '--secondary', secondary.url, '--journal', journalFile, '--out', out, '--user', testUserId('Observer')]);
    const health = () => lines(events).filter((l) => l.type === 'health');
    await until(() => health().some((h) => h.state === 'healthy'));
    await new Promise((r) => setTimeout(r, 600));
    primary.blackhole();
    await until(() => health().some((h) => h.state === 'healthy' && h.route === 'secondary'));
    process.emit('SIGINT');
    expect(await done).toBe(0);
    delete process.env.LARMOR_PASSWORD;

    const lost = health().find((h) => h.state === 'lost')!;
    expect(lost).toMatchObject({ type: 'health', code: 'LARMOR_E_HEARTBEAT_LOST', route: 'primary' });
    expect(typeof lost.at).toBe('string');
    for (const figure of ['rttMs', 'jitterMs', 'lossPct', 'silenceMs', 'lostAfterMs']) expect(lost).toHaveProperty(figure);
    expect(health().map((h) => h.state)).toEqual(expect.arrayContaining(['connecting', 'healthy', 'lost', 'reconnecting', 'offline']));

    const journal = Journal.open(journalFile);
    expect(journal.activities('health').map((h) => h.state)).toEqual(health().map((h) => h.state));
    journal.close();
  });

  it('signs in again when its credential ran out during the run, instead of stopping at the next reconnect', async () => {
    gateway = await startTestGateway({ sessionPolicy: { ttlS: 2 } });
    const proxy = await FaultProxy.start(gateway.port);
    proxies.push(proxy);
    const out = tempDir();
    const events = join(out, 'events.jsonl');
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    const done = runRecord(['--gateway', proxy.url, '--out', out, '--user', testUserId('Observer')]);
    const health = () => lines(events).filter((l) => l.type === 'health');
    await until(() => health().some((h) => h.state === 'healthy'));
    // Past the credential's 2 s, the link drops: the core's reconnect presents the expired credential.
    await new Promise((r) => setTimeout(r, 2500));
    proxy.reset();
    await until(() => health().filter((h) => h.state === 'healthy').length >= 2);
    process.emit('SIGINT');
    expect(await done).toBe(0);
    delete process.env.LARMOR_PASSWORD;
    expect(health().map((h) => h.code)).toContain(ErrorCode.CREDENTIAL_EXPIRED);
  });

  it('fetches the images sent during an outage that its resume could not replay, and writes them', async () => {
    gateway = await startTestGateway();
    const proxy = await FaultProxy.start(gateway.port);
    proxies.push(proxy);
    const out = tempDir();
    const events = join(out, 'events.jsonl');
    const images = () => readdirSync(join(out, 'images')).filter((name) => name.endsWith('.dcm'));
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    const done = runRecord(['--gateway', proxy.url, '--out', out, '--user', testUserId('Observer')]);
    const health = () => lines(events).filter((l) => l.type === 'health');
    await until(() => health().some((h) => h.state === 'healthy'));
    const push = (instance: number) =>
      expect(gateway!.imaging!.pipeline.accept(mrImage(1, instance, { rows: 512, columns: 512, noise: true }), 'c-store').ok).toBe(true);
    push(1);
    await until(() => images().length === 1);
    proxy.blackhole();
    await until(() => health().some((h) => h.state === 'lost'));
    // More than a resume rebuilds from the spool (64 MB) beyond the 16 MB of frames in memory:
    // the resume is a fresh snapshot, and these are not replayed.
    const missed = Math.ceil((96 * 1024 * 1024) / mrImage(1, 2, { rows: 512, columns: 512, noise: true }).length);
    for (let i = 2; i <= 1 + missed; i++) push(i);
    proxy.heal();
    await until(() => images().length === 1 + missed);
    process.emit('SIGINT');
    expect(await done).toBe(0);
    delete process.env.LARMOR_PASSWORD;
    expect(lines(events).filter((l) => l.type === 'image' && l.fetched === true)).toHaveLength(missed);
  });

  it('waits out a sign-in held back after wrong guesses on its account, as long as the gateway asks, then records', async () => {
    gateway = await startTestGateway();
    const user = testUserId('Observer');
    // Someone else's guesses: the account is held back for a few seconds when the recorder starts.
    await guessUntilHeldBack(gateway.url, user, 4);
    const stderr = captureStderr();
    const out = tempDir();
    const events = join(out, 'events.jsonl');
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    const done = runRecord(['--gateway', gateway.url, '--out', out, '--user', user]);
    const health = () => lines(events).filter((l) => l.type === 'health');
    await whileRunning(done, () => health().some((h) => h.state === 'healthy'));
    process.emit('SIGINT');
    expect(await done).toBe(0);
    const held = stderr.filter((line) => line.includes(ErrorCode.SIGN_IN_THROTTLED));
    expect(held.length).toBeGreaterThan(0);
    // The wait is the gateway's (seconds), not the recorder's own first 1 s.
    for (const line of held) {
      const [, asked, waited] = /try again in (\d+) s; retrying in (\d+) ms/.exec(line)!;
      expect(Number(waited)).toBe(Number(asked) * 1000);
    }
    expect(Number(/try again in (\d+) s/.exec(held[0]!)![1])).toBeGreaterThanOrEqual(2);
  });

  it('keeps trying through a reverse proxy that answers sign-in with its own 503 while the gateway is down', async () => {
    gateway = await startTestGateway();
    const proxy = await proxyInFront(gateway.port);
    const stderr = captureStderr();
    const out = tempDir();
    const events = join(out, 'events.jsonl');
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    const done = runRecord(['--gateway', proxy.url, '--out', out, '--user', testUserId('Observer')]);
    await whileRunning(done, () => proxy.answered503() >= 2);
    proxy.up();
    const health = () => lines(events).filter((l) => l.type === 'health');
    await whileRunning(done, () => health().some((h) => h.state === 'healthy'));
    process.emit('SIGINT');
    expect(await done).toBe(0);
    expect(stderr.filter((line) => line.includes(ErrorCode.LINK_DOWN) && line.includes('HTTP 503'))).toHaveLength(2);
    expect(stderr.join('\n')).not.toContain(ErrorCode.UNAUTHENTICATED);
  });

  it('stops with RECORD_WRITE_FAILED and status 3 when events.jsonl cannot be written (a full disk)', async () => {
    gateway = await startTestGateway();
    const out = tempDir();
    // /dev/full: every write fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', join(out, 'events.jsonl'));
    const stderr = captureStderr();
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    expect(await runRecord(['--gateway', gateway.url, '--out', out, '--user', testUserId('Observer')])).toBe(3);
    expect(stderr.join('\n')).toMatch(new RegExp(`${ErrorCode.RECORD_WRITE_FAILED}: could not write ${join(out, 'events.jsonl')}: ENOSPC`));
  });

  it('stops with RECORD_WRITE_FAILED when an image cannot be written, leaving no half-written file', async () => {
    gateway = await startTestGateway();
    const out = tempDir();
    const imagesDir = join(out, 'images');
    const events = join(out, 'events.jsonl');
    const stderr = captureStderr();
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    const done = runRecord(['--gateway', gateway.url, '--out', out, '--user', testUserId('Observer')]);
    const health = () => lines(events).filter((l) => l.type === 'health');
    await whileRunning(done, () => health().some((h) => h.state === 'healthy'));
    const push = (instance: number) => expect(gateway!.imaging!.pipeline.accept(mrImage(1, instance), 'c-store').ok).toBe(true);
    push(1);
    await whileRunning(done, () => readdirSync(imagesDir).some((name) => name.endsWith('.dcm')));
    // The next image's file, whatever its event number: every name it could have is on a full disk.
    const seq = Number(readdirSync(imagesDir)[0]!.split('-')[0]);
    for (let next = seq + 1; next <= seq + 200; next++) symlinkSync('/dev/full', join(imagesDir, `${String(next).padStart(8, '0')}-2.25.1.1.2.dcm.partial`));
    push(2);
    expect(await done).toBe(3);
    const failed = stderr.find((line) => line.includes(ErrorCode.RECORD_WRITE_FAILED))!;
    const file = new RegExp(`could not write (${imagesDir}/\\d{8}-2\\.25\\.1\\.1\\.2\\.dcm): ENOSPC`).exec(failed)![1]!;
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(imagesDir).filter((name) => name.endsWith('.dcm'))).toHaveLength(1);
  });

  it('stops with RECORD_WRITE_FAILED and status 3 when --out cannot be made, before it connects', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const stderr = captureStderr();
    process.env.LARMOR_PASSWORD = TEST_PASSWORD;
    expect(await runRecord(['--gateway', 'ws://127.0.0.1:1/', '--out', join(file, 'rec'), '--user', testUserId('Observer')])).toBe(3);
    expect(stderr.join('\n')).toMatch(new RegExp(`${ErrorCode.RECORD_WRITE_FAILED}: could not write ${join(file, 'rec', 'images')}: ENOTDIR`));
  });

  it('refuses an unknown flag with usage', async () => {
    expect(await runRecord(['--gateway', 'ws://127.0.0.1:1/', '--out', tempDir(), '--bogus'])).toBe(2);
  });
});
