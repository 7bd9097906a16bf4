import { describe, expect, it } from 'vitest';
import type { CollabEventBody, Proposal } from '../../../protocol/collaboration.js';
import { collabActivity } from '../../../main/core/collab-activity.js';
import { toLogEntry } from '../../../main/core/activity.js';
import { CommandLabels, plainWords } from '../../../renderer/src/logic/log-words.js';
import { snapshot } from '../fixtures.js';

const at = '2026-12-01T10:00:00.000Z';

/** The core's line for one collaboration event, as the technologist reads it in the event log. */
function words(body: CollabEventBody): string {
  const activity = collabActivity(at, 7, body, snapshot());
  const entry = activity ? toLogEntry(activity) : null;
  if (!entry) throw new Error('no log line');
  return plainWords(entry, new CommandLabels());
}

const proposal = (extra: Partial<Proposal>): Proposal => ({
  id: 'p1',
  at,
  by: { sessionId: 's2', name: 'Tom Trainee', role: 'operator' },
  command: { name: 'sequence.queue', protocolId: 't2-tse-ax' },
  status: 'pending',
  answer: null,
  ...extra,
});

describe('collaboration in the event log', () => {
  it('shows a chat line with its sender and where they are', () => {
    expect(
      words({ kind: 'chat', entry: { id: 'c1', at, studyUid: null, from: { name: 'Olivia Onsite', role: 'onsite' }, text: 'Patient moved: repeat?' } }),
    ).toBe('Message from Olivia Onsite (onsite): Patient moved: repeat?');
  });

  it('says who drew what, and when marks are cleared', () => {
    const mark = {
      id: 'm1',
      at,
      sopInstanceUid: '1.2.3',
      shape: 'circle' as const,
      points: [
        [1, 2],
        [3, 4],
      ] as [number, number][],
      by: { name: 'Rita Remote', role: 'operator' as const },
    };
    expect(words({ kind: 'mark', mark })).toBe('Rita Remote (remote) drew a circle on the image');
    expect(words({ kind: 'marks', sopInstanceUid: '1.2.3', marks: [mark] })).toBe('Rita Remote (remote) drew a circle on the image');
    expect(words({ kind: 'marks', sopInstanceUid: '1.2.3', marks: [] })).toBe('Marks cleared on an image');
  });

  it('names the proposed sequence and the answer', () => {
    expect(words({ kind: 'proposal', proposal: proposal({}) })).toBe('Tom Trainee (remote) proposes to add T2 TSE axial to the queue');
    expect(words({ kind: 'proposal', proposal: proposal({ status: 'accepted', answer: { by: 'Rita Remote', at, note: 'accepted by Rita Remote' } }) })).toBe(
      'Proposal to add T2 TSE axial to the queue accepted by Rita Remote',
    );
    expect(words({ kind: 'proposal', proposal: proposal({ status: 'declined', answer: { by: 'Rita Remote', at, note: 'declined by Rita Remote' } }) })).toBe(
      'Proposal to add T2 TSE axial to the queue declined by Rita Remote',
    );
  });

  it('tells a handover waiting for onsite, then done', () => {
    const handover = {
      id: 'h1',
      at,
      from: { sessionId: 's1', name: 'Rita Remote', role: 'operator' as const },
      to: { sessionId: 's2', name: 'Tom Trainee', role: 'operator' as const },
      status: 'awaiting-onsite' as const,
      note: null,
    };
    expect(words({ kind: 'handover', handover })).toBe('Rita Remote hands control to Tom Trainee: waiting for onsite staff to confirm');
    expect(words({ kind: 'handover', handover: { ...handover, status: 'done', note: 'confirmed by Olivia Onsite' } })).toBe(
      'Tom Trainee now has control (handover from Rita Remote confirmed by Olivia Onsite)',
    );
    expect(words({ kind: 'handover', handover: { ...handover, status: 'cancelled', note: 'Tom Trainee left' } })).toBe(
      'Handover of control to Tom Trainee cancelled: Tom Trainee left',
    );
  });
});
