import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
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

/** Spawns a child under tsx, killed after the test when still running; `lines` collects its stdout lines as they come. */
function child(args: string[], stdin: 'pipe' | 'ignore'): { child: ChildProcess; lines: string[] } {
  const spawned = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: [stdin, 'pipe', 'inherit'] });
  children.push(spawned);
  const lines: string[] = [];
  let buffered = '';
  spawned.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  return { child: spawned, lines };
}

/** Spawn the child workstation. */
function workstation(mode: 'run' | 'one' | 'recover', url: string, file: string) {
  const { child: spawned, lines } = child([CHILD, mode, url, file], 'pipe');
  const exited = new Promise<number | null>((resolve) => spawned.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child: spawned, lines, exited };
}

async function until(check: () => boolean, everyMs = 10): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, everyMs));
}

const field = (lines: string[], tag: string, i: number) => lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.split(' ')[i]!);

describe('journal across kill -9', () => {
  it('keeps every acknowledged record, passes integrity_check, and recovers in-flight outcomes from the gateway with command.status', async () => {
    const dir = tempDir();
    const file = join(dir, 'journal.sqlite');
    gateway = await startTestGateway({ autoGrantControl: true, requireChecklist: false });
    const gw = gateway;
    proxy = await FaultProxy.start(gw.port);
    // A slow route keeps several commands in flight at any moment.
    proxy.setConditions({ delayMs: 40 });
    const route = proxy;

    const first = workstation('run', proxy.url, file);
    // Once enough is acknowledged, cut the route silently right after the gateway decided a
    // command and before its ack leaves: the workstation is killed with that command in flight.
    let cutAfter: string | null = null;
    const remember = gw.store.rememberOutcomes.bind(gw.store);
    gw.store.rememberOutcomes = (acks, actor, name, alongside) => {
      remember(acks, actor, name, alongside);
      if (cutAfter === null && name !== 'command.status' && field(first.lines, 'ACK', 1).length >= 40) {
        cutAfter = acks[0]!.id;
        route.blackhole();
      }
    };
    await until(() => cutAfter !== null);
    await new Promise((r) => setTimeout(r, 100)); // whatever else was on its way vanishes too
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(-1);
    route.heal();
    const acked = first.lines.filter((l) => l.startsWith('ACK ')).map((l) => l.split(' ')) as [string, string, string][];

    const journal = Journal.open(file);
    expect(journal.integrityCheck()).toBe('ok');
    for (const [, id, state] of acked) expect(journal.entry(id), `acknowledged ${id}`).toMatchObject({ outcome: state, settledBy: 'gateway' });
    const inFlight = journal.unsettled().map((e) => e.id);
    journal.close();
    const decidedBeforeRecovery = new Map(inFlight.map((id) => [id, gw.store.outcomeOf(id)]));
    const known = inFlight.filter((id) => decidedBeforeRecovery.get(id) !== undefined);
    expect(known).toContain(cutAfter);

    const second = workstation('recover', proxy.url, file);
    expect(await second.exited).toBe(0);
    expect(second.lines).toContain('UNSETTLED 0');
    expect(field(second.lines, 'RESEND', 1)).toEqual([]);
    expect(field(second.lines, 'LOOKUP', 1).sort()).toEqual([...inFlight].sort());
    const recovered = new Map(second.lines.filter((l) => l.startsWith('RECOVERED ')).map((l) => [l.split(' ')[1]!, l.split(' ').slice(2).join(' ')]));
    expect([...recovered.keys()].sort()).toEqual([...inFlight].sort());
    for (const id of inFlight) {
      const stored = decidedBeforeRecovery.get(id);
      // Decided at the gateway: its stored outcome. Never received: not applied, and not sent again.
      expect(recovered.get(id), id).toBe(stored ? `${stored.outcome} ${stored.code ?? '-'}` : `rejected ${ErrorCode.NOT_APPLIED}`);
    }
    // Sealing the ids the gateway never received is audited; a lookup of known ids only is not.
    const sealed = inFlight.filter((id) => decidedBeforeRecovery.get(id) === undefined);
    const sealRows = gw.store.auditTrail(1_000_000).filter((r) => r.action === 'command.status' && r.decision === 'sealed' && r.actor === 'Crash Tech');
    expect(sealRows.flatMap((r) => (r.detail as { ids: string[] }).ids).sort()).toEqual(sealed.sort());

    const after = Journal.open(file);
    expect(after.integrityCheck()).toBe('ok');
    for (const id of inFlight) expect(after.entry(id)).toMatchObject({ settledBy: 'gateway' });
    after.close();
    // Applied once each at the gateway; what it never received was never applied.
    const decisions = gw.store.auditTrail(1_000_000).filter((r) => r.action.startsWith('command ') && r.decision !== 'duplicate');
    const ids = decisions.map((r) => (r.detail as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of inFlight) expect(ids.includes(id)).toBe(known.includes(id));
  }, 60_000);

  it('never applies, after the restart, a command journalled but never delivered', async () => {
    const file = join(tempDir(), 'journal.sqlite');
    gateway = await startTestGateway({ autoGrantControl: true, requireChecklist: false });
    proxy = await FaultProxy.start(gateway.port);

    const first = workstation('one', proxy.url, file);
    await until(() => first.lines.includes('READY'));
    proxy.blackhole();
    first.child.stdin!.write('go\n');
    await until(() => first.lines.some((l) => l.startsWith('SENT ')));
    const [id] = field(first.lines, 'SENT', 1);
    first.child.kill('SIGKILL');
    await first.exited;
    const journal = Journal.open(file);
    expect(journal.unsettled().map((e) => e.id)).toEqual([id]);
    journal.close();

    proxy.heal();
    const second = workstation('recover', proxy.url, file);
    expect(await second.exited).toBe(0);
    expect(second.lines).toContain(`RECOVERED ${id} rejected ${ErrorCode.NOT_APPLIED}`);
    expect(field(second.lines, 'RESEND', 1)).toEqual([]);
    expect(gateway.snapshot().exam).toBeNull();
    expect(gateway.store.auditTrail().some((r) => r.action === 'command exam.open')).toBe(false);
  }, 60_000);

  it('keeps every activity row committed before kill -9, though they are not each fsynced', async () => {
    const file = join(tempDir(), 'journal.sqlite');
    const journalModule = join(import.meta.dirname, '../../../main/journal/journal.ts');
    // Records as fast as it can, a few rows a turn of the event loop, saying so once each turn's
    // rows are committed (the microtask queue has drained); killed mid-stream.
    const script = `const { Journal } = await import(${JSON.stringify(journalModule)});
      const journal = Journal.open(${JSON.stringify(file)});
      for (let i = 0; ; i += 3) {
        for (let k = i; k < i + 3; k++) journal.record({ type: 'notice', at: new Date().toISOString(), n: k });
        await new Promise((resolve) => setImmediate(resolve));
        process.stdout.write('REC ' + (i + 2) + '\\n');
      }`;
    const { child: writer, lines } = child(['--input-type=module', '-e', script], 'ignore');
    await until(() => lines.length >= 2000);
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('exit', resolve));
    const reported = Math.max(...field(lines, 'REC', 1).map(Number));
    const journal = Journal.open(file);
    try {
      expect(journal.integrityCheck()).toBe('ok');
      const kept = journal.activities('notice').map((a) => a['n'] as number);
      expect(kept.length).toBeGreaterThan(reported); // rows 0..reported, and maybe a turn committed but not yet said
      expect(kept.slice(0, reported + 1)).toEqual([...Array(reported + 1).keys()]);
    } finally {
      journal.close();
    }
  });
});
