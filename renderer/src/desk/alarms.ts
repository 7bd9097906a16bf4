import type { DeskAlarm, DeskAlarmKind, DeskView } from '../../../protocol/desk.js';
import { deskShown } from './desk-session.js';

type AlarmBarTone = 'emergency' | 'bad' | 'warn';

export interface AlarmKindPresentation {
  word: string;
  icon: string;
  /** emergency: a red bar (patient safety, someone needs you now); bad: red outline; warn: amber. */
  tone: AlarmBarTone;
  /** Lower comes first in the alarm bar. */
  rank: number;
}

/**
 * Highest priority first, as IEC 60601-1-8 orders alarm signals: an emergency stop and a call
 * for help are about the patient and the onsite staff; the others are about the connection.
 */
const KINDS: Record<DeskAlarmKind, AlarmKindPresentation> = {
  'emergency-stop': { word: 'Emergency stop', icon: '■', tone: 'emergency', rank: 0 },
  'help-call': { word: 'Call for help', icon: '✆', tone: 'emergency', rank: 1 },
  'operator-loss': { word: 'Operator link lost', icon: '▲', tone: 'bad', rank: 2 },
  'link-lost': { word: 'Link lost', icon: '▲', tone: 'bad', rank: 3 },
  'media-lost': { word: 'Video and audio lost', icon: '◆', tone: 'warn', rank: 4 },
};

export function presentAlarmKind(kind: DeskAlarmKind): AlarmKindPresentation {
  return KINDS[kind];
}

/** An unacknowledged alarm with the scanner it came from. */
export interface PendingAlarm {
  alarm: DeskAlarm;
  siteName: string;
  /** The scanner's place on the desk, 0-based. */
  tileIndex: number;
}

/**
 * Every unacknowledged alarm on the desk, whichever scanner is focused (less those an observer
 * has seen in this window, `seenHere`): most urgent kind first,
 * then the newest of a kind first, then by id so the order never flickers between pushes.
 */
export function pendingAlarms(view: DeskView | null, seenHere: Readonly<Record<string, true>> = {}): PendingAlarm[] {
  if (!view) return [];
  const pending: PendingAlarm[] = [];
  view.tiles.forEach((tile, tileIndex) => {
    for (const alarm of tile.alarms) if (!alarm.acknowledged && !seenHere[alarm.id]) pending.push({ alarm, siteName: tile.site.name, tileIndex });
  });
  return pending.sort(
    (a, b) => KINDS[a.alarm.kind].rank - KINDS[b.alarm.kind].rank || instant(b.alarm.at) - instant(a.alarm.at) || a.alarm.id.localeCompare(b.alarm.id),
  );
}

/**
 * Alarms that a console of one scanner has no banner of its own for: onsite staff calling for
 * help. Its emergency stop has the emergency banner, its lost link the failover banner, its lost
 * call the video pane, and who holds control shows in the People panel.
 */
const ONLY_ON_THE_BAR: ReadonlySet<DeskAlarmKind> = new Set(['help-call']);

/** What the alarm bar shows: on a desk, every pending alarm; on a console of one scanner, those with no banner of their own. */
export function alarmBarAlarms(view: DeskView | null, seenHere: Readonly<Record<string, true>> = {}): PendingAlarm[] {
  const pending = pendingAlarms(view, seenHere);
  return deskShown(view) ? pending : pending.filter((p) => ONLY_ON_THE_BAR.has(p.alarm.kind));
}

/**
 * Where an alarm came from, in words for a screen reader: on a desk, "scanner N, SITE"; on a
 * console of one scanner, nothing, since the header names it and it is the one on screen.
 */
export function alarmSourceWords(pending: PendingAlarm, onDesk: boolean): string {
  return onDesk ? `scanner ${pending.tileIndex + 1}, ${pending.siteName}` : '';
}

/** The alarm bar's spoken line, read out whenever the most urgent alarm changes. */
export function mostUrgentWords(pending: readonly PendingAlarm[], onDesk: boolean): string {
  const first = pending[0];
  if (!first) return '';
  const where = alarmSourceWords(first, onDesk);
  return `Most urgent: ${KINDS[first.alarm.kind].word}${where ? ` on ${where}` : ''}.`;
}

/** ISO times from different gateways may carry different offsets: compare instants, not strings. */
function instant(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}
