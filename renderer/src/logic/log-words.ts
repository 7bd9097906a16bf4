import type { LogEntry } from '../../../protocol/api.js';
import { commandSubject } from '../../../protocol/commands.js';
import { formatClock } from '../../../base/common/clock.js';

/**
 * The event log in an MR technologist's words ("Queued T2 TSE axial", "Scan started"), the
 * core's technical line kept as the detail of the row. Entries arrive from the workstation core
 * as text; these rules read its fixed phrasing (main/core/activity.ts) and fall back to that
 * text unchanged for anything they do not know, so nothing is ever hidden.
 */

/** What a command acts on, in words, while its outcome is awaited (FIFO per command name). */
export class CommandLabels {
  private readonly pending = new Map<string, string[]>();

  note(name: string, label: string | null): void {
    const list = this.pending.get(name) ?? [];
    list.push(label ?? '');
    // A command answered elsewhere (another window) never takes its label: keep the list short.
    if (list.length > 20) list.shift();
    this.pending.set(name, list);
  }

  peek(name: string): string {
    return this.pending.get(name)?.[0] ?? '';
  }

  take(name: string): string {
    return this.pending.get(name)?.shift() ?? '';
  }
}

/** The name of what a command acts on, from the state the technologist saw when giving it. */
export const commandLabel = commandSubject;

const with_ = (text: string, label: string) => (label ? `${text} ${label}` : text);
const colon = (text: string, label: string) => (label ? `${text}: ${label}` : text);

const SENT: Record<string, (label: string) => string> = {
  'exam.open': () => 'Opening the exam',
  'exam.close': () => 'Closing the exam',
  'sequence.queue': (l) => with_('Adding', l || 'a sequence') + ' to the queue',
  'sequence.remove': (l) => with_('Removing', l || 'a sequence') + ' from the queue',
  'sequence.reorder': (l) => with_('Moving', l || 'a sequence') + ' in the queue',
  'sequence.edit': (l) => with_('Changing the parameters of', l || 'a sequence'),
  'scan.start': (l) => with_('Starting', l || 'the scan'),
  'scan.pause': () => 'Pausing the scan',
  'scan.resume': () => 'Resuming the scan',
  'scan.stop': () => 'Stopping the scan',
};

const DONE: Record<string, (label: string) => string> = {
  'exam.open': () => 'Exam opened',
  'exam.close': () => 'Exam closed',
  'sequence.queue': (l) => (l ? `Queued ${l}` : 'Sequence added to the queue'),
  'sequence.remove': (l) => (l ? `Removed ${l} from the queue` : 'Sequence removed from the queue'),
  'sequence.reorder': () => 'Queue order changed',
  'sequence.edit': (l) => (l ? `Parameters of ${l} changed` : 'Parameters changed'),
  'scan.start': (l) => colon('Scan started', l),
  'scan.pause': () => 'Scan paused',
  'scan.resume': () => 'Scan resumed',
  'scan.stop': () => 'Scan stopped',
};

const ACTION: Record<string, string> = {
  'exam.open': 'Opening the exam',
  'exam.close': 'Closing the exam',
  'sequence.queue': 'Adding to the queue',
  'sequence.remove': 'Removing from the queue',
  'sequence.reorder': 'Reordering the queue',
  'sequence.edit': 'Changing parameters',
  'scan.start': 'Start',
  'scan.pause': 'Pause',
  'scan.resume': 'Resume',
  'scan.stop': 'Stop',
};

const SCANNER: Record<string, (name: string) => string> = {
  idle: () => 'Scanner idle',
  'exam-open': () => 'Exam open, nothing queued',
  'sequence-queued': () => 'Ready to scan',
  acquiring: (n) => colon('Acquiring', n),
  paused: (n) => colon('Paused', n),
  completed: () => 'Scan complete',
  aborted: () => 'Scan stopped before the end',
};

const LINK_HEALTH: Record<string, string> = {
  healthy: 'Connection to the scanner site is healthy',
  degraded: 'Connection to the scanner site is slow',
  reconnecting: 'Reconnecting to the scanner site',
  lost: 'Connection to the scanner site lost',
  failed: 'Connection to the scanner site failed',
  connecting: 'Connecting to the scanner site',
  offline: 'Not connected to the scanner site',
};

/** A proposed change, as a phrase after "proposes to" (queue and parameter changes only). */
const PROPOSED: Record<string, (label: string) => string> = {
  'sequence.queue': (l) => `add ${l || 'a sequence'} to the queue`,
  'sequence.remove': (l) => `remove ${l || 'a sequence'} from the queue`,
  'sequence.reorder': (l) => `move ${l || 'a sequence'} in the queue`,
  'sequence.edit': (l) => `change the parameters of ${l || 'a sequence'}`,
};

const WHO: Record<string, string> = { operator: 'remote', onsite: 'onsite', observer: 'observer' };
const MARK_WORDS: Record<string, string> = { arrow: 'an arrow', circle: 'a circle', freehand: 'a freehand mark' };

/** Chat, marks, proposals and handover (phrasing of main/core/collab-activity.ts). */
function collabWords(t: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^chat (.+?) \((\w+)\): ([\s\S]*)$/.exec(t))) return `Message from ${m[1]} (${WHO[m[2]] ?? m[2]}): ${m[3]}`;
  if ((m = /^mark (\w+) by (.+?) \((\w+)\) on \S+(?:: \d+ on the image)?$/.exec(t)))
    return `${m[2]} (${WHO[m[3]] ?? m[3]}) drew ${MARK_WORDS[m[1]] ?? 'a mark'} on the image`;
  if (/^marks cleared on /.test(t)) return 'Marks cleared on an image';
  if ((m = /^proposal (\w+) by (.+?) \((\w+)\): (\S+)(?: "(.*?)")?(?:: (.*))?$/.exec(t))) {
    const what = PROPOSED[m[4]]?.(m[5] ?? '') ?? m[4];
    const note = m[6] ?? '';
    switch (m[1]) {
      case 'pending':
        return `${m[2]} (${WHO[m[3]] ?? m[3]}) proposes to ${what}`;
      case 'accepted':
        return `Proposal to ${what} ${note || 'accepted'}`;
      case 'declined':
        return `Proposal to ${what} ${note || 'declined'}`;
      default:
        return `Proposal to ${what} withdrawn${note ? ` (${note})` : ''}`;
    }
  }
  if ((m = /^handover (\S+): (.+?) -> (.+?)(?:: (.*))?$/.exec(t))) {
    if (m[1] === 'awaiting-onsite') return `${m[2]} hands control to ${m[3]}: waiting for onsite staff to confirm`;
    if (m[1] === 'done') return `${m[3]} now has control (handover from ${m[2]} ${m[4] ?? 'confirmed onsite'})`;
    return `Handover of control to ${m[3]} cancelled${m[4] ? `: ${m[4]}` : ''}`;
  }
  if (/^contingency plans updated/.test(t)) return 'Site contingency plans updated';
  return t;
}

/** The row's headline. `labels` is consumed on acknowledgements (one per command outcome). */
export function plainWords(entry: LogEntry, labels: CommandLabels): string {
  const t = entry.text;
  let m: RegExpExecArray | null;
  switch (entry.kind) {
    case 'command':
      if ((m = /^sent (\S+)$/.exec(t)) && SENT[m[1]]) return SENT[m[1]](labels.peek(m[1]));
      if ((m = /^resent (\S+)/.exec(t)) && SENT[m[1]]) return `${SENT[m[1]](labels.peek(m[1]))} (sent again after a reconnect)`;
      if ((m = /^asking the gateway whether (\S+) was applied/.exec(t))) return `Checking whether "${ACTION[m[1]] ?? m[1]}" was carried out`;
      return t;
    case 'ack':
      if ((m = /^(\S+) done/.exec(t)) && DONE[m[1]]) return DONE[m[1]](labels.take(m[1]));
      if ((m = /^(\S+) refused: (\S+)\s*(.*?)(?: \(outcome recovered from the gateway\))?$/.exec(t))) {
        labels.take(m[1]);
        return `${ACTION[m[1]] ?? m[1]} refused${m[3] ? `: ${m[3]}` : ''}`;
      }
      return t;
    case 'scanner':
      if ((m = /^scanner (\S+?)(?::\s*(.*))?$/.exec(t)) && SCANNER[m[1]]) return SCANNER[m[1]](m[2] ?? '');
      return t;
    case 'notice':
      return alarmWords(entry) ?? t;
    case 'health':
      if ((m = /^link (\w+)/.exec(t)) && LINK_HEALTH[m[1]]) return LINK_HEALTH[m[1]];
      if ((m = /^audio\/video refused: \S+ (.*)$/.exec(t))) return `Not in the call: ${m[1]}`;
      if ((m = /^audio\/video (\S+?)(?::|$)/.exec(t)))
        return m[1] === 'ok'
          ? 'Call with the scanner room is working'
          : m[1] === 'degraded'
            ? 'Call with the scanner room is poor'
            : 'Call with the scanner room is lost';
      return t;
    case 'link':
      if (/^link connected/.test(t)) return 'Connected to the scanner site';
      if (/^link connecting/.test(t)) return 'Connecting to the scanner site';
      if (/^link (disconnected|closed)/.test(t)) return 'Disconnected from the scanner site';
      if (/^link lost/.test(t)) return 'Connection to the scanner site lost';
      if (/^reconnect refused: \S+ .*without the resume secret/.test(t))
        return 'Reconnecting without taking back scanner control: the scanner site says it was already taken back for a connection that did not get through';
      if ((m = /^reconnect refused: \S+ (.*): trying again$/.exec(t))) return `Reconnect refused for now, trying again: ${m[1]}`;
      if (/^resumed after event/.test(t)) return 'Reconnected; missed events caught up';
      if (/fresh scanner snapshot$/.test(t)) return 'Reconnected; scanner state reloaded';
      return t;
    case 'image':
      if (/^image refused/i.test(t)) return 'An image could not be shown';
      if (/^image intake held/.test(t)) return 'Images are arriving faster than this workstation can show them: the rest wait at the scanner site';
      if (/^image intake caught up/.test(t)) return 'Caught up: every image held back has arrived';
      return t;
    case 'error':
      if (/^gateway sent a bad frame/.test(t)) return 'A message from the scanner site could not be read';
      return t;
    case 'collab':
      return collabWords(t);
  }
}

/** A safety-rule alarm from what the notice carries (protocol/messages.ts NoticeAlarm), never from its text. */
function alarmWords({ alarm }: LogEntry): string | null {
  if (alarm?.by === undefined) return null;
  // Raised again by a gateway that restarted before anyone saw it: when it was first raised.
  const again = alarm.raisedAt ? ` (raised ${formatClock(alarm.raisedAt)}, before the gateway restarted)` : '';
  switch (alarm.kind) {
    case 'emergency-stop':
      // Nothing to stop: what it did is take remote control away.
      return alarm.scanStopped
        ? `Scan stopped by onsite emergency stop (${alarm.by})${again}`
        : `Onsite emergency stop (${alarm.by}): remote control revoked, no scan was running${again}`;
    case 'help-call':
      return `Onsite staff call for help (${alarm.by})${alarm.reason ? `: ${alarm.reason}` : ''}${again}`;
    case 'operator-loss':
      return null; // the gateway's own words already
  }
}

/** The stable error code in an entry's technical text, if any. */
export function entryCode(entry: LogEntry): string | null {
  return /\bLARMOR_E_[A-Z0-9_]+/.exec(entry.text)?.[0] ?? null;
}
