import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Tag, pixelDataFrames, readPart10 } from '../../native-bridge/dicom/index.js';
import { rle } from '../../native-bridge/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { storescu } from '../helpers/dcmtk.js';
import { SAMPLES_DIR, sample } from '../helpers/dicom-samples.js';
import { startTestGateway, SETTLE_BUDGET_MS } from '../helpers/gateway.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { TEST_PASSWORD, testUserId } from '../helpers/accounts.js';
import { tempDir } from '../helpers/temp-dir.js';
import { stopProcess } from '../helpers/gateway-process.js';

const LARMOR = join(import.meta.dirname, '..', '..', 'bin', 'larmor.js');

let gateway: Gateway | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await gateway?.close();
  gateway = undefined;
});

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function stderrOf(child: ChildProcess): () => string {
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

/** A route that answers TCP and hangs up at once, counting the attempts (a gateway host whose service is down). */
async function deadRoute(): Promise<{ port: number; attempts: () => number; server: Server }> {
  let attempts = 0;
  const server = createServer((socket) => {
    attempts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, attempts: () => attempts, server };
}

function lines(file: string): { type: string; at: string; [k: string]: unknown }[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

function decodedPixels(part10: Uint8Array): Uint8Array {
  const file = readPart10(part10);
  const frames = pixelDataFrames(file);
  if (!frames.encapsulated) return frames.frames[0]!;
  return rle.decode(frames.frames[0]!, {
    rows: file.dataset.number(Tag.Rows)!,
    columns: file.dataset.number(Tag.Columns)!,
    samplesPerPixel: 1,
    bitsAllocated: file.dataset.number(Tag.BitsAllocated)!,
  });
}

describe('larmor record (the built CLI, as a process)', () => {
  it('records link, scanner and image events and the received images, then exits 0 on SIGINT with the file complete', async () => {
    gateway = await startTestGateway({ dicom: { port: 0 } });
    gateway.notice('info', 'said before the recorder connected');
    const out = tempDir();
    const child = spawn(
      process.execPath,
      [LARMOR, 'record', '--gateway', gateway.url, '--out', out, '--role', 'observer', '--user', testUserId('Observer'), '--password-stdin'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    child.stdin!.end(`${TEST_PASSWORD}\n`);
    const events = join(out, 'events.jsonl');
    await expect.poll(() => lines(events).some((e) => e.type === 'link' && e.status === 'connected'), { timeout: 20_000 }).toBe(true);

    await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small.dcm')]);
    await expect.poll(() => lines(events).some((e) => e.type === 'image'), { timeout: 20_000 }).toBe(true);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);

    const recorded = lines(events);
    for (const e of recorded) {
      expect(typeof e.type).toBe('string');
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    expect(recorded.map((e) => e.type)).toEqual(expect.arrayContaining(['link', 'scanner', 'image']));
    expect(recorded.find((e) => e.type === 'notice' && e.text === 'said before the recorder connected')).toMatchObject({ earlier: { open: false } });
    const files = readdirSync(join(out, 'images'));
    expect(files).toHaveLength(1);
    const saved = new Uint8Array(readFileSync(join(out, 'images', files[0]!)));
    expect(Buffer.from(decodedPixels(saved)).equals(Buffer.from(decodedPixels(sample('MR_small.dcm'))))).toBe(true);
  });

  it('lives through an outage in which no socket is open, reconnects, and exits 0 only on SIGTERM', async () => {
    gateway = await startTestGateway();
    const proxy = await FaultProxy.start(gateway.port);
    cleanups.push(() => proxy.close());
    const dead = await deadRoute();
    cleanups.push(() => new Promise<void>((resolve) => dead.server.close(() => resolve())));
    const out = tempDir();
    const events = join(out, 'events.jsonl');
    const child = spawn(
      process.execPath,
      [LARMOR, 'record', '--gateway', proxy.url, '--out', out, '--role', 'observer', '--user', testUserId('Observer'), '--password-stdin'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    child.stdin!.end(`${TEST_PASSWORD}\n`);
    // Waited for: a test that failed half way leaves no recorder writing to a directory being removed.
    cleanups.push(() => stopProcess(child, 'SIGKILL'));
    stderrOf(child);
    const healthy = () => lines(events).filter((e) => e.type === 'health' && e.state === 'healthy').length;
    await expect.poll(healthy, { timeout: 20_000 }).toBe(1);

    // The gateway's service goes away: every reconnect is hung up on, and between attempts the
    // recorder has no socket open at all.
    proxy.retarget(dead.port);
    proxy.reset();
    await expect.poll(() => dead.attempts(), { timeout: SETTLE_BUDGET_MS }).toBeGreaterThanOrEqual(3);
    expect(child.exitCode).toBeNull();

    proxy.retarget(gateway.port);
    await expect.poll(healthy, { timeout: SETTLE_BUDGET_MS }).toBe(2);
    expect(child.exitCode).toBeNull();

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('stops with status 1 and the refusal code on stderr when the gateway refuses it', async () => {
    gateway = await startTestGateway({ token: 'site-secret' });
    const out = tempDir();
    const child = spawn(
      process.execPath,
      [LARMOR, 'record', '--gateway', gateway.url, '--out', out, '--role', 'observer', '--user', testUserId('Observer'), '--password-stdin'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
        env: { ...process.env, LARMOR_GATEWAY_TOKEN: 'wrong' },
      },
    );
    child.stdin!.end(`${TEST_PASSWORD}\n`);
    cleanups.push(() => stopProcess(child, 'SIGKILL'));
    const stderr = stderrOf(child);
    expect(await exited(child)).toBe(1);
    expect(stderr()).toContain('LARMOR_E_UNAUTHENTICATED');
  });
});
