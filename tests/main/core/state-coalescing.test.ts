/**
 * A gateway that sends events faster than anyone can look at them (a chat storm): the core emits
 * one `state` per burst it reads, built once the burst is applied, not one per event, and that
 * view holds every line (docs/architecture.md "Pushes to the window"). Views handed out are never
 * changed afterwards, and a disconnect leaves no view to come after the disconnected one. Counts
 * only, no timing.
 */
import { describe, expect, it } from 'vitest';
import type { WorkstationView } from '../../../protocol/index.js';
import { useRelayedCore } from './core-harness.js';

const relayedCore = useRelayedCore();

/** The core, its catch-up after the welcome in: the link is quiet until the test speaks. */
async function setup() {
  const linked = await relayedCore({ requireChecklist: false });
  await expect.poll(() => linked.core.view().collab).not.toBeNull();
  return linked;
}

/** Chat events numbered after the last the core took, sent back to back: one burst to read. */
function chatBurst(from: number, ids: string[]): string[] {
  const at = new Date().toISOString();
  return ids.map((id, i) =>
    JSON.stringify({
      type: 'event',
      seq: from + 1 + i,
      at,
      body: { kind: 'chat', entry: { id, at, studyUid: null, from: { name: 'Onsite', role: 'onsite' }, text: `line ${id}` } },
    }),
  );
}

const WAIT = { timeout: 15_000 };

describe('WorkstationCore state for a burst of events', () => {
  it('emits far fewer views than chat events read together, the last holding every line', async () => {
    const { relay, core, log } = await setup();
    const states: WorkstationView[] = [];
    core.on('state', (view) => states.push(view));
    const ids = Array.from({ length: 400 }, (_, i) => `storm-${i}`);
    const from = log.length;
    for (const data of chatBurst(core.lastEventSeq, ids)) relay.inject({ data, binary: false });

    await expect.poll(() => states.at(-1)?.collab?.chat.at(-1)?.id, WAIT).toBe('storm-399');
    // Every event was taken and logged, one by one; the views were built per burst read.
    expect(log.all.slice(from).filter((a) => a.type === 'collab')).toHaveLength(400);
    expect(states.length).toBeLessThanOrEqual(40);
    expect(states.at(-1)!.collab!.chat.map((c) => c.id)).toEqual(ids);
    expect(states.at(-1)).toEqual(core.view());
  });

  it('never changes a view it handed out, and takes a replayed line once', async () => {
    const { relay, core } = await setup();
    const first = chatBurst(core.lastEventSeq, ['a', 'b']);
    for (const data of first) relay.inject({ data, binary: false });
    await expect.poll(() => core.view().collab?.chat.length, WAIT).toBe(2);
    const earlier = core.view();
    const earlierChat = [...earlier.collab!.chat];

    // 'b' again (as a replay would repeat it), then two new lines.
    for (const data of chatBurst(core.lastEventSeq, ['b', 'c', 'd'])) relay.inject({ data, binary: false });
    await expect.poll(() => core.view().collab?.chat.length, WAIT).toBe(4);
    expect(core.view().collab!.chat.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(earlier.collab!.chat).toEqual(earlierChat);
  });

  it('emits the disconnected view at once on a disconnect, and nothing after it', async () => {
    const { relay, core } = await setup();
    const states: WorkstationView[] = [];
    core.on('state', (view) => states.push(view));
    for (const data of chatBurst(core.lastEventSeq, ['x', 'y'])) relay.inject({ data, binary: false });
    await expect.poll(() => core.view().collab?.chat.length, WAIT).toBe(2);
    // A change whose view would be emitted at the end of this turn (the call's health), then the disconnect.
    const before = states.length;
    core.sendMedia({ type: 'media.state', state: { audio: true, video: true, intercom: false, health: 'degraded', healthReason: 'no frames' } });
    expect(states.length).toBe(before);
    core.disconnect();
    expect(states.length).toBe(before + 1);
    expect(states.at(-1)).toMatchObject({ link: { status: 'disconnected' }, collab: null, health: { media: { health: 'degraded' } } });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(states.length).toBe(before + 1);
  });
});
