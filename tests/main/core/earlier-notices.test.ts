import { describe, expect, it } from 'vitest';
import type { NoticeAlarm, NoticeHistoryMessage } from '../../../protocol/index.js';
import { earlierNotices } from '../../../main/core/earlier-notices.js';

const at = '2026-12-05T09:00:00.000Z';
const alarm = (kind: NoticeAlarm['kind']): NoticeAlarm => ({ kind, detail: 'by Olivia (onsite)', by: 'Olivia' });

const history: NoticeHistoryMessage = {
  type: 'notice.history',
  events: [
    { type: 'event', seq: 3, at, body: { kind: 'notice', level: 'info', text: 'Olivia checked in at the scanner' } },
    { type: 'event', seq: 5, at, body: { kind: 'notice', level: 'alarm', text: 'HELP CALLED by Olivia', alarm: alarm('help-call') } },
    { type: 'event', seq: 6, at, body: { kind: 'notice', level: 'alarm', text: 'EMERGENCY STOP by Olivia', alarm: alarm('emergency-stop') } },
    { type: 'event', seq: 7, at, body: { kind: 'notice', level: 'info', text: 'Rita saw the call for help', seen: { seq: 5, by: 'Rita' } } },
    { type: 'event', seq: 9, at, body: { kind: 'notice', level: 'alarm', text: 'Operator Ana: link lost', alarm: alarm('operator-loss') } },
    { type: 'event', seq: 11, at, body: { kind: 'notice', level: 'alarm', text: 'HELP CALLED by Olivia again', alarm: alarm('help-call') } },
  ],
};

describe('earlierNotices', () => {
  it('logs every notice, each with its own time, and opens only the emergency stops and calls for help no one has seen', () => {
    const activity = earlierNotices(history, () => false);
    expect(activity.map((a) => [a.seq, a.at, a.earlier?.open])).toEqual([
      [3, at, false],
      [5, at, false],
      [6, at, true],
      [7, at, false],
      [9, at, false],
      [11, at, true],
    ]);
    expect(activity.every((a) => a.type === 'notice')).toBe(true);
    expect(activity[1]!.alarm?.kind).toBe('help-call');
  });

  it('leaves out what the workstation received before the gap, in the same boot', () => {
    expect(earlierNotices(history, (seq) => seq <= 6).map((a) => a.seq)).toEqual([7, 9, 11]);
    // Seen by a notice it had already received: still not open.
    expect(earlierNotices(history, (seq) => seq <= 6).some((a) => a.earlier?.open && a.seq === 5)).toBe(false);
  });
});
