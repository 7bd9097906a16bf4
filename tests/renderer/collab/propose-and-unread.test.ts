import { describe, expect, it } from 'vitest';
import { asHolder, proposesInstead } from '../../../renderer/src/collab/use-propose.js';
import { queueAddAvailability } from '../../../renderer/src/logic/controls.js';
import { createAppStore } from '../../../renderer/src/store/store.js';
import { unreadChat } from '../../../renderer/src/store/collab-slice.js';
import type { CollabState } from '../../../protocol/collaboration.js';
import { fakeApi, link, settle, snapshot, view } from '../fixtures.js';

const heldByOther = snapshot({ control: { holderSessionId: 'someone-else', holderName: 'Rita Remote' } });

describe('proposing instead of commanding', () => {
  it('proposes when another operator holds control, never as observer or holder', () => {
    expect(proposesInstead({ link: link(), snapshot: heldByOther })).toBe(true);
    expect(proposesInstead({ link: link(), snapshot: snapshot() })).toBe(false);
    expect(proposesInstead({ link: link({ role: 'observer' }), snapshot: heldByOther })).toBe(false);
    expect(proposesInstead({ link: link(), snapshot: snapshot({ control: { holderSessionId: null, holderName: null } }) })).toBe(false);
  });

  it('enables what a holder could do, so the proposal button is usable', () => {
    const ctx = { link: link(), snapshot: heldByOther };
    expect(queueAddAvailability(ctx).enabled).toBe(false);
    expect(queueAddAvailability(asHolder(ctx)).enabled).toBe(true);
  });

  it('sends a proposal through collab.send and shows its outcome at the control', async () => {
    const fake = fakeApi();
    const store = createAppStore({ api: () => fake.api, now: () => '2026-12-01T10:00:00.000Z' });
    await store.getState().sendCollab('queue-add', { name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 't2-tse-ax' } });
    await settle();
    expect(fake.collabSent).toEqual([{ name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 't2-tse-ax' } }]);
    expect(store.getState().collabOutcomes['queue-add']).toEqual({ state: 'done' });
  });
});

describe('unread chat', () => {
  const chat = (at: string, name: string): CollabState['chat'][number] => ({
    id: at,
    at,
    studyUid: null,
    from: { name, role: name === 'Me' ? 'operator' : 'onsite' },
    text: 'hi',
  });
  const state = (lines: CollabState['chat']): CollabState => ({ chat: lines, marks: [], proposals: [], handover: null, plans: [] });

  it('counts what others said after the newest line seen, not my own', () => {
    const s = state([chat('2026-12-01T10:00:00Z', 'Olivia'), chat('2026-12-01T10:01:00Z', 'Me'), chat('2026-12-01T10:02:00Z', 'Olivia')]);
    expect(unreadChat(s, '2026-12-01T10:00:00Z', { name: 'Me', role: 'operator' })).toBe(1);
  });

  it('takes the history caught up on joining as read, and counts what comes after', () => {
    const fake = fakeApi();
    const store = createAppStore({ api: () => fake.api, now: () => '2026-12-01T10:00:00.000Z' });
    const history = state([chat('2026-12-01T10:00:00Z', 'Olivia')]);
    store.getState().receiveView(view({ collab: history }));
    const me = { name: 'Me', role: 'operator' };
    expect(unreadChat(store.getState().collab, store.getState().chatSeenAt, me)).toBe(0);
    store.getState().receiveView(view({ collab: state([...history.chat, chat('2026-12-01T10:05:00Z', 'Olivia')]) }));
    expect(unreadChat(store.getState().collab, store.getState().chatSeenAt, me)).toBe(1);
    store.getState().markChatSeen();
    expect(unreadChat(store.getState().collab, store.getState().chatSeenAt, me)).toBe(0);
  });
});
