import { MAX_NOTICE_HISTORY, type NoticeAlarm } from '../../protocol/messages.js';

/**
 * Alarms remembered for acknowledgement; others are acknowledged in the audit trail only. As
 * many as the notice history a client joins with can hold: every alarm a workstation may be shown
 * (the history holds unseen ones however old: gateway/server/notice-history.ts) can still be
 * answered to the staff who raised it.
 */
const KEEP = MAX_NOTICE_HISTORY;

interface Raised {
  alarm: NoticeAlarm;
  seenBy: Set<string>;
}

/**
 * The alarms of the safety rules this gateway raised, by their notice's sequence number, and who
 * has acknowledged each (docs/architecture.md "Safety rules"): so that the staff who raised one
 * learn that it was seen, once per person who saw it.
 */
export class RaisedAlarms {
  private readonly raised = new Map<number, Raised>();

  record(seq: number, alarm: NoticeAlarm): void {
    this.raised.set(seq, { alarm, seenBy: new Set() });
    if (this.raised.size > KEEP) this.raised.delete(this.leastNeeded());
  }

  /**
   * The one to let go: the oldest that the notice history does not hold (heldUnseen); only when
   * every one kept is held there, the oldest. A Map iterates in insertion order and sequence
   * numbers only grow: the first key is the oldest.
   */
  private leastNeeded(): number {
    for (const [seq, raised] of this.raised) if (!heldUnseen(raised)) return seq;
    return this.raised.keys().next().value!;
  }

  /** The reasons (null: none given) of the alarms of this kind raised by `by` that are kept here and no one has seen. */
  unseen(kind: NoticeAlarm['kind'], by: string): (string | null)[] {
    const reasons: (string | null)[] = [];
    for (const { alarm, seenBy } of this.raised.values()) if (alarm.kind === kind && alarm.by === by && seenBy.size === 0) reasons.push(alarm.reason ?? null);
    return reasons;
  }

  /** Whether the notice numbered `seq` raised an alarm kept here that the notice history holds while no one has seen it (heldUnseen). */
  isUnseen(seq: number): boolean {
    const raised = this.raised.get(seq);
    return raised !== undefined && heldUnseen(raised);
  }

  /** Whether the notice numbered `seq` raised an alarm kept here that `by` has not seen yet. */
  isNewTo(seq: number, by: string): boolean {
    const raised = this.raised.get(seq);
    return raised !== undefined && !raised.seenBy.has(by);
  }

  /** The alarm `by` has just seen for the first time, or null (not an alarm kept here, or seen before). */
  see(seq: number, by: string): NoticeAlarm | null {
    const raised = this.raised.get(seq);
    if (!raised || raised.seenBy.has(by)) return null;
    raised.seenBy.add(by);
    return raised.alarm;
  }
}

/**
 * An emergency stop or call for help no one has seen: what the notice history holds however old
 * (gateway/server/notice-history.ts). An operator loss is not held: the snapshot shows one while
 * it lasts (onsite.operatorLoss).
 */
function heldUnseen({ alarm, seenBy }: Raised): boolean {
  return seenBy.size === 0 && alarm.kind !== 'operator-loss';
}

/** "Rita saw the call for help by Olivia (onsite): patient anxious". */
export function seenWords(alarm: NoticeAlarm, by: string): string {
  switch (alarm.kind) {
    case 'emergency-stop':
      return `${by} saw the emergency stop ${alarm.detail}`;
    case 'help-call':
      return `${by} saw the call for help ${alarm.detail}`;
    case 'operator-loss':
      return `${by} saw that ${alarm.by ? `operator ${alarm.by}` : 'an operator'} lost the link`;
  }
}
