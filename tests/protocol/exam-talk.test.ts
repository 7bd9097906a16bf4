import { describe, expect, it } from 'vitest';
import { ExamTalk, type ChatEntry, type CollabState, type Handover, type Proposal } from '../../protocol/index.js';

const AT = '2026-01-01T10:00:00.000Z';
const line = (id: string, studyUid: string | null = '2.25.1'): ChatEntry => ({
  id,
  at: AT,
  studyUid,
  from: { name: 'Rita', role: 'operator' },
  text: `line ${id}`,
});
const proposal = (id: string, status: Proposal['status'] = 'pending'): Proposal => ({
  id,
  at: AT,
  by: { sessionId: 's-1', name: 'Trainer', role: 'operator' },
  command: { name: 'sequence.queue', protocolId: 'localizer' },
  status,
  answer: status === 'pending' ? null : { by: 'Rita', at: AT, note: status },
});
const handover = (status: Handover['status']): Handover => ({
  id: 'h-1',
  at: AT,
  from: { sessionId: 's-1', name: 'Rita', role: 'operator' },
  to: { sessionId: 's-2', name: 'Trainer', role: 'operator' },
  status,
  note: null,
});
const EMPTY: CollabState = { chat: [], marks: [], proposals: [], handover: null, plans: [] };

describe('the exam’s talk as a client holds it', () => {
  it('keeps a replayed line once, and says it was nothing new', () => {
    const talk = new ExamTalk({ chat: 10, proposals: 10 });
    talk.reset({ chat: [line('a'), line('b')], proposals: [], handover: null });
    expect(talk.apply({ kind: 'chat', entry: line('b') })).toBe(false);
    expect(talk.apply({ kind: 'chat', entry: line('c') })).toBe(true);
    expect(talk.apply({ kind: 'chat', entry: line('c') })).toBe(false);
    expect(talk.view(EMPTY).chat.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('drops the oldest lines past its bound, from a catch-up and from events', () => {
    const talk = new ExamTalk({ chat: 3, proposals: 10 });
    talk.reset({ chat: ['a', 'b', 'c', 'd', 'e'].map((id) => line(id)), proposals: [], handover: null });
    expect(talk.view(EMPTY).chat.map((c) => c.id)).toEqual(['c', 'd', 'e']);
    for (const id of ['f', 'g']) talk.apply({ kind: 'chat', entry: line(id) });
    expect(talk.view(EMPTY).chat.map((c) => c.id)).toEqual(['e', 'f', 'g']);
  });

  it('hands out the same view, and the same arrays, until something changes', () => {
    const talk = new ExamTalk({ chat: 10, proposals: 10 });
    talk.apply({ kind: 'chat', entry: line('a') });
    const first = talk.view(EMPTY);
    expect(talk.view(first)).toBe(first);
    // A replayed line changes nothing.
    talk.apply({ kind: 'chat', entry: line('a') });
    expect(talk.view(first)).toBe(first);

    talk.apply({ kind: 'chat', entry: line('b') });
    const second = talk.view(first);
    expect(second).not.toBe(first);
    // The view handed out before is not changed under its holder, and what did not change is shared.
    expect(first.chat.map((c) => c.id)).toEqual(['a']);
    expect(second.chat.map((c) => c.id)).toEqual(['a', 'b']);
    expect(second.proposals).toBe(first.proposals);
    // A settled proposal never held changes nothing either.
    talk.apply({ kind: 'proposal', proposal: proposal('p-9', 'declined') });
    expect(talk.view(second)).toBe(second);
  });

  it('lets a settled proposal leave, keeps an updated pending one once, and bounds the pending', () => {
    const talk = new ExamTalk({ chat: 10, proposals: 3 });
    for (const id of ['p-1', 'p-2', 'p-3']) talk.apply({ kind: 'proposal', proposal: proposal(id) });
    talk.apply({ kind: 'proposal', proposal: proposal('p-2', 'accepted') });
    expect(talk.view(EMPTY).proposals.map((p) => p.id)).toEqual(['p-1', 'p-3']);
    // Told of again while still pending: held once, as the newest.
    talk.apply({ kind: 'proposal', proposal: proposal('p-1') });
    expect(talk.view(EMPTY).proposals.map((p) => p.id)).toEqual(['p-3', 'p-1']);
    for (const id of ['p-4', 'p-5']) talk.apply({ kind: 'proposal', proposal: proposal(id) });
    expect(talk.view(EMPTY).proposals.map((p) => p.id)).toEqual(['p-1', 'p-4', 'p-5']);
  });

  it('takes the handover as told, and keeps only the new exam’s lines when the exam changes', () => {
    const talk = new ExamTalk({ chat: 10, proposals: 10 });
    talk.reset({
      chat: [line('before', null), line('old', '2.25.1'), line('new', '2.25.2')],
      proposals: [proposal('p-1')],
      handover: handover('awaiting-onsite'),
    });
    talk.apply({ kind: 'handover', handover: handover('done') });
    const before = talk.view(EMPTY);
    expect(before.handover?.status).toBe('done');

    talk.examChanged('2.25.2');
    const after = talk.view(before);
    expect(after.chat.map((c) => c.id)).toEqual(['new']);
    expect(after.proposals).toBe(before.proposals);
    expect(after.handover).toBe(before.handover);
    // Nothing of another exam left to drop: the view stays.
    talk.examChanged('2.25.2');
    expect(talk.view(after)).toBe(after);
  });
});
