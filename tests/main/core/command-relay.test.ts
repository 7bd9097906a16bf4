import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_STATUS_IDS, type ScannerCommand } from '../../../protocol/index.js';
import { COMMAND_RESEND_MAX_AGE_MS } from '../../../protocol/health.js';
import { CommandRelay, NOT_APPLIED_REASON, type RelayChange, type RelayTransport } from '../../../main/core/command-relay.js';
import { MemoryOutbox } from '../../../main/core/outbox.js';

const SITE = 'ws://127.0.0.1:9/';

/** A transport the test opens and closes by hand, recording every frame it was given. */
function transport() {
  const t = {
    down: null as { code: string; reason: string } | null,
    sent: [] as { id: string; command: ScannerCommand }[],
    lookups: [] as string[][],
    refusal: () => t.down,
    target: () => SITE,
    send: (id: string, command: ScannerCommand) => (t.sent.push({ id, command }), true),
    lookup: (ids: string[]) => (t.lookups.push(ids), true),
  };
  return t satisfies RelayTransport;
}

const statusOf = (...results: { id: string; known: boolean; outcome?: 'done' | 'rejected'; code?: string | null; reason?: string | null }[]) => ({
  type: 'command.status.result' as const,
  results,
});

const ack = (id: string, outcome: 'done' | 'rejected' = 'done') => ({ type: 'ack' as const, id, outcome, code: null, reason: null });

describe('CommandRelay', () => {
  it('refuses at once, with the reason, while the link is down: nothing is queued', async () => {
    const t = transport();
    t.down = { code: ErrorCode.LINK_DOWN, reason: 'link lost: not queued' };
    const outbox = new MemoryOutbox();
    const relay = new CommandRelay(t, () => {}, outbox);
    expect(await relay.send({ name: 'scan.stop' })).toMatchObject({ state: 'rejected', code: ErrorCode.LINK_DOWN, reason: 'link lost: not queued' });
    expect(t.sent).toEqual([]);
    expect(outbox.unsettled()).toEqual([]);
  });

  it('resends its own young unsettled commands in their original order with their original ids', async () => {
    const t = transport();
    const relay = new CommandRelay(t, () => {});
    const a = relay.send({ name: 'scan.pause' });
    const b = relay.send({ name: 'scan.resume' });
    const ids = t.sent.map((s) => s.id);
    t.sent.length = 0;
    expect(relay.recoverUnsettled()).toEqual({ resent: 2, lookedUp: 0 });
    expect(t.sent.map((s) => s.id)).toEqual(ids);
    relay.acknowledge(ack(ids[0]));
    relay.acknowledge(ack(ids[1], 'rejected'));
    expect((await a).state).toBe('done');
    expect((await b).state).toBe('rejected');
  });

  it('settles each command once: a duplicate ack changes nothing', async () => {
    const t = transport();
    const changes: RelayChange[] = [];
    const relay = new CommandRelay(t, (c) => changes.push(c));
    const p = relay.send({ name: 'scan.stop' });
    const id = t.sent[0].id;
    expect(relay.acknowledge(ack(id))).toBe(true);
    expect(relay.acknowledge(ack(id, 'rejected'))).toBe(false);
    expect((await p).state).toBe('done');
    expect(changes.filter((c) => c.kind === 'settled')).toHaveLength(1);
  });

  it('gives up with the given code but keeps the command, so its outcome is recovered later', async () => {
    const t = transport();
    const changes: RelayChange[] = [];
    const outbox = new MemoryOutbox();
    const relay = new CommandRelay(t, (c) => changes.push(c), outbox);
    const p = relay.send({ name: 'scan.stop' });
    relay.giveUp('LARMOR_E_RECONNECT_EXHAUSTED', 'budget spent');
    expect(await p).toMatchObject({ state: 'rejected', code: 'LARMOR_E_RECONNECT_EXHAUSTED' });
    expect(outbox.unsettled()).toHaveLength(1);
    relay.recoverUnsettled();
    relay.acknowledge(ack(t.sent[0].id));
    expect(changes.at(-1)).toMatchObject({ kind: 'recovered', view: { state: 'done' } });
    expect(outbox.unsettled()).toEqual([]);
  });

  it('picks up what an earlier run left in the outbox, as pending, and looks it up instead of resending it', () => {
    const outbox = new MemoryOutbox();
    outbox.enqueue('cmd-left-behind', { name: 'scan.stop' }, new Date().toISOString(), SITE);
    const t = transport();
    const changes: RelayChange[] = [];
    const relay = new CommandRelay(t, (c) => changes.push(c), outbox);
    expect(relay.pending().map((v) => v.id)).toEqual(['cmd-left-behind']);
    expect(relay.recoverUnsettled()).toEqual({ resent: 0, lookedUp: 1 });
    expect(t.sent).toEqual([]);
    expect(t.lookups).toEqual([['cmd-left-behind']]);
    expect(changes).toContainEqual(expect.objectContaining({ kind: 'lookup', why: 'earlier-run' }));
    relay.applyStatus(statusOf({ id: 'cmd-left-behind', known: true, outcome: 'done', code: null, reason: null }));
    expect(changes.at(-1)).toMatchObject({ kind: 'recovered', view: { id: 'cmd-left-behind', state: 'done' } });
    expect(outbox.unsettled()).toEqual([]);
  });

  it('settles a command the gateway never received as not applied, and never sends it', () => {
    const outbox = new MemoryOutbox();
    outbox.enqueue('cmd-never-arrived', { name: 'scan.start' }, new Date().toISOString(), SITE);
    const t = transport();
    const changes: RelayChange[] = [];
    const relay = new CommandRelay(t, (c) => changes.push(c), outbox);
    relay.recoverUnsettled();
    relay.applyStatus(statusOf({ id: 'cmd-never-arrived', known: false }));
    expect(changes.at(-1)).toMatchObject({ kind: 'recovered', view: { state: 'rejected', code: ErrorCode.NOT_APPLIED, reason: NOT_APPLIED_REASON } });
    relay.recoverUnsettled();
    expect(t.sent).toEqual([]);
    expect(t.lookups).toHaveLength(1);
  });

  it(`looks up, instead of resending, a command of its own older than ${COMMAND_RESEND_MAX_AGE_MS} ms`, async () => {
    let now = Date.now();
    const t = transport();
    const relay = new CommandRelay(t, () => {}, new MemoryOutbox(), { now: () => now });
    const young = relay.send({ name: 'scan.pause' });
    expect(relay.recoverUnsettled()).toEqual({ resent: 1, lookedUp: 0 });
    now += COMMAND_RESEND_MAX_AGE_MS + 1;
    t.sent.length = 0;
    expect(relay.recoverUnsettled()).toEqual({ resent: 0, lookedUp: 1 });
    expect(t.sent).toEqual([]);
    const [[id]] = t.lookups;
    relay.applyStatus(statusOf({ id: id!, known: false }));
    expect(await young).toMatchObject({ state: 'rejected', code: ErrorCode.NOT_APPLIED });
  });

  it(`asks about at most ${MAX_STATUS_IDS} ids per lookup`, () => {
    const outbox = new MemoryOutbox();
    for (let i = 0; i < 250; i++) outbox.enqueue(`cmd-many-${i}`, { name: 'scan.stop' }, new Date().toISOString(), SITE);
    const t = transport();
    new CommandRelay(t, () => {}, outbox).recoverUnsettled();
    expect(t.lookups.map((ids) => ids.length)).toEqual([100, 100, 50]);
  });

  it('ignores a status answer for an id it did not ask about', async () => {
    const t = transport();
    const relay = new CommandRelay(t, () => {});
    const p = relay.send({ name: 'scan.stop' });
    expect(relay.applyStatus(statusOf({ id: t.sent[0].id, known: false }))).toBe(0);
    relay.acknowledge(ack(t.sent[0].id));
    expect((await p).state).toBe('done');
  });
});
