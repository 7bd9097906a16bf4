import type { OnsiteNotice } from './onsite-link.js';

/**
 * The alarm the console's red banner shows: the newest one still standing.
 *
 * A lost operator link stands while the snapshot says it is lost: its condition is known, so it
 * ends with it, on its own (a non-latching alarm, in the words of IEC 60601-1-8). Every other
 * alarm (an emergency stop, a call for help, a console not responding) stands until someone at
 * this console acknowledges it, which ends it and every alarm received before it. Notices are
 * told apart by identity, not by the gateway's sequence numbers, which restart with the gateway.
 * An alarm this page did not receive live (the gateway's notice history, when the page opened or
 * reconnected) stands only if it was unanswered then: a call for help no one had seen, so that
 * staff who reload the console still learn that they should phone; like a live one, it then
 * stands until acknowledged here, showing who has seen it since. The event log keeps them all.
 */
export function standingAlarm(notices: readonly OnsiteNotice[], operatorLinkLost: boolean, acknowledged: OnsiteNotice | null): OnsiteNotice | null {
  let olderThanAcknowledged = false;
  for (let i = notices.length - 1; i >= 0; i--) {
    const notice = notices[i]!;
    if (notice === acknowledged) olderThanAcknowledged = true;
    if (notice.level !== 'alarm') continue;
    if (notice.earlier) {
      if (notice.alarmKind === 'help-call' && !olderThanAcknowledged && !seenWhenReceived(notices, notice)) return notice;
    } else if (!needsAcknowledging(notice)) {
      if (operatorLinkLost) return notice;
    } else if (!olderThanAcknowledged) {
      return notice;
    }
  }
  return null;
}

/** Whether an alarm is one the technologist acknowledges, or one that ends on its own. */
export function needsAcknowledging(alarm: OnsiteNotice): boolean {
  return alarm.alarmKind !== 'operator-loss';
}

/**
 * Who has seen `alarm`, from the gateway's notices that say so, with when: those received after
 * the alarm and naming its sequence number in its boot.
 */
export function seenBy(notices: readonly OnsiteNotice[], alarm: OnsiteNotice): { by: string; at: string }[] {
  const from = notices.indexOf(alarm);
  if (from < 0) return [];
  return notices.slice(from + 1).flatMap((n) => (n.boot === alarm.boot && n.seen?.seq === alarm.seq ? [{ by: n.seen.by, at: n.at }] : []));
}

/** Whether the notice history that brought `alarm` said someone had seen it. */
function seenWhenReceived(notices: readonly OnsiteNotice[], alarm: OnsiteNotice): boolean {
  const history = notices.filter((n) => n.earlier);
  return seenBy(history, alarm).length > 0;
}

/**
 * Who has seen each notice of `notices` that someone saw, as seenBy says of one, in one pass over
 * them: the event log says it of every alarm it lists, and asking seenBy of each would read the
 * whole log once per alarm.
 */
export function seenByEach(notices: readonly OnsiteNotice[]): Map<OnsiteNotice, { by: string; at: string }[]> {
  const byNumber = new Map<string, OnsiteNotice>();
  const seen = new Map<OnsiteNotice, { by: string; at: string }[]>();
  for (const n of notices) {
    const alarm = n.seen ? byNumber.get(`${n.boot}\u0000${n.seen.seq}`) : undefined;
    if (alarm && n.seen) {
      const list = seen.get(alarm);
      if (list) list.push({ by: n.seen.by, at: n.at });
      else seen.set(alarm, [{ by: n.seen.by, at: n.at }]);
    }
    byNumber.set(`${n.boot}\u0000${n.seq}`, n);
  }
  return seen;
}
