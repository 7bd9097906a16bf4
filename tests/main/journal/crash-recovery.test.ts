import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { Journal } from '../../../main/journal/journal.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { tempDir } from '../../helpers/temp-dir.js';

const CHILD = join(import.meta.dirname, 'crash-child.ts');

let gateway: Gateway | undefined;
let proxy: FaultProxy | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await proxy?.close();
  await gateway?.close();
  gateway = proxy = undefined;
});

/** Spawn the child workstation; `lines` collects its stdout lines as they come. */
function workstation(mode: 'run' | 'recover', url: string, file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, url, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, lines, exited };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe('journal across kill -9', () => {
  it('keeps every acknowledged record, passes integrity_check, and recovers in-flight outcomes from the gateway', async () => {
    const dir = tempDir();
    const file = join(dir, 'journal.sqlite');
    gateway = await startTestGateway({ autoGrantControl: true, requireChecklist: false });
    proxy = await FaultProxy.start(gateway.port);
    // A slow route keeps several commands in flight at any moment.
    proxy.setConditions({ delayMs: 40 });

    const first = workstation('run', proxy.url, file);
    await until(() => first.lines.filter((l) => l.startsWith('ACK ')).length >= 40);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(-1);
    const acked = first.lines.filter((l) => l.startsWith('ACK ')).map((l) => l.split(' ')) as [string, string, string][];

    const journal = Journal.open(file);
    expect(journal.integrityCheck()).toBe('ok');
    for (const [, id, state] of acked) expect(journal.entry(id), `acknowledged ${id}`).toMatchObject({ outcome: state, settledBy: 'gateway' });
    const inFlight = journal.unsettled().map((e) => e.id);
    expect(inFlight.length).toBeGreaterThanOrEqual(1);
    journal.close();

    const second = workstation('recover', proxy.url, file);
    expect(await second.exited).toBe(0);
    expect(second.lines).toContain('UNSETTLED 0');
    const recovered = second.lines.filter((l) => l.startsWith('RECOVERED ')).map((l) => l.split(' ')[1]);
    expect(recovered.sort()).toEqual([...inFlight].sort());

    const after = Journal.open(file);
    expect(after.integrityCheck()).toBe('ok');
    for (const id of inFlight) expect(after.entry(id)).toMatchObject({ settledBy: 'gateway' });
    after.close();
    // Applied once each at the gateway, whether the first send reached it or only the resend.
    const decisions = gateway.store.auditTrail(1_000_000).filter((r) => r.action.startsWith('command ') && r.decision !== 'duplicate');
    const ids = decisions.map((r) => (r.detail as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of inFlight) expect(ids).toContain(id);
  }, 60_000);
});
