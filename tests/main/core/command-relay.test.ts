import { describe, expect, it } from 'vitest';
import { ErrorCode, type ScannerCommand } from '../../../protocol/index.js';
import { CommandRelay, type RelayChange, type RelayTransport } from '../../../main/core/command-relay.js';
import { MemoryOutbox } from '../../../main/core/outbox.js';

const SITE = 'ws://127.0.0.1:9/';

/** A transport the test opens and closes by hand, recording every frame it was given. */
function transport() {
  const t = {
    down: null as { code: string; reason: string } | null,
    sent: [] as { id: string; command: ScannerCommand }[],
    refusal: () => t.down,
    target: () => SITE,
    send: (id: string, command: ScannerCommand) => (t.sent.push({ id, command }), true),
  };
  return t satisfies RelayTransport;
}

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

  it('resends unsettled commands in their original order with their original ids', async () => {
    const t = transport();
    const relay = new CommandRelay(t, () => {});
    const a = relay.send({ name: 'scan.pause' });
    const b = relay.send({ name: 'scan.resume' });
    const ids = t.sent.map((s) => s.id);
    t.sent.length = 0;
    expect(relay.resendUnsettled()).toBe(2);
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
    relay.resendUnsettled();
    relay.acknowledge(ack(t.sent[0].id));
    expect(changes.at(-1)).toMatchObject({ kind: 'recovered', view: { state: 'done' } });
    expect(outbox.unsettled()).toEqual([]);
  });

  it('picks up what an earlier run left in the outbox, as pending, and resends it', () => {
    const outbox = new MemoryOutbox();
    outbox.enqueue('cmd-left-behind', { name: 'scan.stop' }, '2026-01-01T00:00:00Z', SITE);
    const t = transport();
    const relay = new CommandRelay(t, () => {}, outbox);
    expect(relay.pending().map((v) => v.id)).toEqual(['cmd-left-behind']);
    relay.resendUnsettled();
    expect(t.sent.map((s) => s.id)).toEqual(['cmd-left-behind']);
  });
});
