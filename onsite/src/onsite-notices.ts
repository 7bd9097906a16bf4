import { cutText } from '../../base/common/cut-text.js';
import type { OnsiteNotice } from './onsite-link.js';

/** Ordinary notices kept for the event log: the newest. */
const KEEP_NOTICES = 200;
/**
 * Alarms kept beside them, the newest, however many ordinary notices came after: the banner
 * finds a standing alarm (an emergency stop, a call for help) only among the notices kept
 * (banner-alarm.ts), and a call for help must stay on it until someone here acknowledges it, not
 * until 200 routine notices have pushed it out. The gateway keeps the newest 100 alarms that
 * can be seen (docs/architecture.md "Collaboration", `alarm.acknowledge`); 50 on one console
 * are more than staff could take in.
 */
const KEEP_ALARMS = 50;
/**
 * Notices that one alarm was seen (`seen`) kept as such: the first, in the order received. They
 * name who saw it on the banner and in the event log, one sentence read in an emergency
 * (OnsiteApp.tsx). A sound gateway sends one per person who saw it, so as many as the sessions it
 * holds; staff need to know that the alarm got through and to whom, and a sound site has one or
 * two remote technologists (the control panel names four, ControlPanel.tsx). Any later one stays
 * in the event log as an ordinary notice, whose words still say who saw it.
 */
const SEEN_PER_ALARM = 4;
/**
 * Notices that someone saw a kept alarm (`seen`), kept with it: they say who saw it on the
 * banner, and end a call for help from the gateway's history that had been seen
 * (banner-alarm.ts). The first SEEN_PER_ALARM of every alarm kept, so none of those goes for
 * another alarm's.
 */
const KEEP_SEEN = KEEP_ALARMS * SEEN_PER_ALARM;
/**
 * The longest notice text kept and shown. The gateway's own are a line (who, what, why); the
 * reason typed for an emergency stop is at most 200 characters (OnsiteApp.tsx).
 */
const MAX_NOTICE_CHARS = 2000;

/**
 * The notices the onsite console keeps, in the order received: the newest KEEP_NOTICES ordinary
 * ones, and beside them the newest KEEP_ALARMS alarms and the first SEEN_PER_ALARM notices that
 * someone saw each of those, however old. Notices are added in place and trimmed once the list
 * holds twice what is kept, so a burst of notices costs one copy of the list per view, not one
 * per notice (docs/architecture.md "Pushes to the window", as on the workstation). Notice objects
 * are kept as they came, the banner telling them apart by identity; only one that says an alarm
 * was seen past the first SEEN_PER_ALARM is kept as a copy without saying so.
 */
export class OnsiteNotices {
  private entries: OnsiteNotice[] = [];
  private shown: readonly OnsiteNotice[] = [];
  private changed = false;

  add(notice: OnsiteNotice): void {
    this.entries.push(notice);
    this.changed = true;
    if (this.entries.length > 2 * (KEEP_NOTICES + KEEP_ALARMS + KEEP_SEEN)) this.entries = kept(this.entries);
  }

  /** The numbers of the notices of `boot` kept (a notice history repeats what the page has). */
  seqsOf(boot: string): Set<number> {
    return new Set(this.entries.filter((n) => n.boot === boot).map((n) => n.seq));
  }

  /** The notices kept, oldest first; the same array until a notice is added. */
  list(): readonly OnsiteNotice[] {
    if (this.changed) {
      this.entries = kept(this.entries);
      this.shown = this.entries.slice();
      this.changed = false;
    }
    return this.shown;
  }
}

const keyOf = (boot: string, seq: number) => `${boot}\u0000${seq}`;

/** Those of `notices` the console keeps (see OnsiteNotices), in their order. */
function kept(notices: readonly OnsiteNotice[]): OnsiteNotice[] {
  const pastFirstSeen = seenPastFirst(notices);
  const alarms = new Set<string>();
  for (let i = notices.length - 1; i >= 0 && alarms.size < KEEP_ALARMS; i--) {
    const n = notices[i]!;
    if (n.level === 'alarm') alarms.add(keyOf(n.boot, n.seq));
  }
  let alarmsLeft = KEEP_ALARMS;
  let seenLeft = KEEP_SEEN;
  let othersLeft = KEEP_NOTICES;
  const keep: OnsiteNotice[] = [];
  for (let i = notices.length - 1; i >= 0; i--) {
    const received = notices[i]!;
    const n = pastFirstSeen.has(received) ? ordinary(received) : received;
    if (n.level === 'alarm' && alarmsLeft > 0) {
      alarmsLeft--;
      keep.push(n);
    } else if (n.seen && seenLeft > 0 && alarms.has(keyOf(n.boot, n.seen.seq))) {
      seenLeft--;
      keep.push(n);
    } else if (n.level !== 'alarm' && othersLeft > 0) {
      othersLeft--;
      keep.push(n);
    }
  }
  return keep.reverse();
}

/** The notices that say someone saw an alarm SEEN_PER_ALARM others were already said to have seen. */
function seenPastFirst(notices: readonly OnsiteNotice[]): Set<OnsiteNotice> {
  const counts = new Map<string, number>();
  const past = new Set<OnsiteNotice>();
  for (const n of notices) {
    if (!n.seen) continue;
    const key = keyOf(n.boot, n.seen.seq);
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > SEEN_PER_ALARM) past.add(n);
  }
  return past;
}

/** `notice` without what it says of an alarm seen: a line of the event log only. */
function ordinary(notice: OnsiteNotice): OnsiteNotice {
  const { seen: _seen, ...rest } = notice;
  return rest;
}

/** `text` cut to `max` characters (MAX_NOTICE_CHARS unless told), with an ellipsis (base/common/cut-text.ts). */
export function keptText(text: string, max = MAX_NOTICE_CHARS): string {
  return cutText(text, max);
}
