import type { NoticeHistoryMessage } from '../../protocol/index.js';
import type { Activity } from './activity.js';

type NoticeActivity = Extract<Activity, { type: 'notice' }>;

/**
 * The notices a workstation learns of when it is welcomed with a fresh snapshot
 * (protocol/messages.ts NoticeHistoryMessage), as activity: each for the event log, except those
 * it has logged already (`logged`, by their numbers in the same boot). An emergency stop or a call for help
 * that no one has seen yet is open: the desk raises it, so that a call made while no
 * technologist was connected reaches the first who connects. An operator loss is never open
 * here: the snapshot says whether one is running (main/desk/desk.ts noteOperatorLoss).
 */
export function earlierNotices(history: NoticeHistoryMessage, logged: (seq: number) => boolean): NoticeActivity[] {
  const seen = new Set(history.events.flatMap((e) => (e.body.seen ? [e.body.seen.seq] : [])));
  return history.events
    .filter((e) => !logged(e.seq))
    .map(({ seq, at, body }) => ({
      type: 'notice',
      at,
      level: body.level,
      text: body.text,
      seq,
      ...(body.alarm ? { alarm: body.alarm } : {}),
      earlier: { open: body.alarm !== undefined && body.alarm.kind !== 'operator-loss' && !seen.has(seq) },
    }));
}
