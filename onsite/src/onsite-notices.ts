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
 * Notices that someone saw a kept alarm (`seen`), kept with it: they say who saw it on the
 * banner, and end a call for help from the gateway's history that had been seen
 * (banner-alarm.ts). One per person and alarm from a sound gateway. Past this many, the oldest
 * go, which can only show an alarm as not seen: staff then phone.
 */
const KEEP_SEEN = 200;
/**
 * The longest notice text kept and shown. The gateway's own are a line (who, what, why); the
 * reason typed for an emergency stop is at most 200 characters (OnsiteApp.tsx).
 */
const MAX_NOTICE_CHARS = 2000;

/**
 * The notices the onsite console keeps, in the order received: the newest KEEP_NOTICES ordinary
 * ones, and beside them the newest KEEP_ALARMS alarms and the notices that someone saw one of
 * those, however old. Notices are added in place and trimmed once the list holds twice what is
 * kept, so a burst of notices costs one copy of the list per view, not one per notice
 * (docs/architecture.md "Pushes to the window", as on the workstation). Notice objects are kept
 * as they came: the banner tells them apart by identity.
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
    const n = notices[i]!;
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

/**
 * `text` cut to MAX_NOTICE_CHARS, with an ellipsis. Copied, not sliced: a slice of a string can
 * keep the whole original in memory (V8 does), and a notice of megabytes would stay.
 */
export function keptText(text: string): string {
  if (text.length <= MAX_NOTICE_CHARS) return text;
  let end = MAX_NOTICE_CHARS;
  // Not half a surrogate pair (a character outside the Basic Multilingual Plane).
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return Array.from(text.slice(0, end)).join('') + '…';
}
