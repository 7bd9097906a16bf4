import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { runRecord } from '../../../main/record/record-command.js';
import { Journal } from '../../../main/journal/journal.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ErrorCode } from '../../../protocol/index.js';
import { mrImage } from '../../helpers/mr-images.js';
import { TEST_PASSWORD, testUserId } from '../../helpers/accounts.js';

let gateway: Gateway | undefined;
const proxies: FaultProxy[] = [];

afterEach(async () => {
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

  it('refuses an unknown flag with usage', async () => {
    expect(await runRecord(['--gateway', 'ws://127.0.0.1:1/', '--out', tempDir(), '--bogus'])).toBe(2);
  });
});
