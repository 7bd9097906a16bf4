import type { DeskTile } from '../../../protocol/desk.js';
import { ErrorCode } from '../../../protocol/errors.js';
import { CREDENTIAL_WORDS } from '../../../protocol/onsite.js';
import { formatRemaining } from '../../../base/common/acquisition-time.js';
import { presentScannerState, type StatusPresentation } from '../../../base/browser/status-words.js';
import { shortcutHint } from './desk-keys.js';
import { presentAlarmKind } from './alarms.js';

/** Everything a desk tile says, in a technologist's words; the tile component only lays it out. */
export interface TileWords {
  title: string;
  scanner: string | null;
  link: StatusPresentation;
  /** Why the site is not up (refused sign-in, unreachable), with its code; null while it is. */
  problem: { code: string; message: string } | null;
  state: StatusPresentation | null;
  /** "T2 TSE axial · 2:14 left" while acquiring, "T2 TSE axial · paused, 2:14 left" while paused. */
  sequence: string | null;
  onsite: string;
  control: string;
  /** Unacknowledged alarms on this scanner, newest first. */
  alarms: string[];
  /** The newest alarm's kind as a glyph (✆ a call for help, ■ an emergency stop), as in the alarm bar; null without one. */
  alarmIcon: string | null;
  unread: string | null;
  shortcut: string | null;
  /** The tile button's accessible name: the same facts in one sentence. */
  accessibleName: string;
}

/**
 * Link state and health together: a link can be "connected" yet degraded, and a lost link is
 * either being reconnected or given up (docs/architecture.md "Link health").
 */
export function presentTileLink(tile: Pick<DeskTile, 'link' | 'health' | 'error'>): StatusPresentation {
  switch (tile.link) {
    case 'refused':
      return whyNotConnected(tile.error);
    case 'connecting':
      return { word: 'Connecting', icon: '◌', tone: 'info' };
    case 'disconnected':
      return tile.error ? whyNotConnected(tile.error) : { word: 'Not connected', icon: '○', tone: 'neutral' };
    case 'lost':
      if (tile.health === 'reconnecting') return { word: 'Link lost, reconnecting', icon: '▲', tone: 'bad' };
      if (tile.health === 'failed') return { word: 'Link lost, gave up', icon: '▲', tone: 'bad' };
      return { word: 'Link lost', icon: '▲', tone: 'bad' };
    case 'connected':
      if (tile.health === 'degraded') return { word: 'Degraded', icon: '◆', tone: 'warn' };
      if (tile.health === 'lost' || tile.health === 'reconnecting') return { word: 'Link lost', icon: '▲', tone: 'bad' };
      return { word: 'Healthy', icon: '●', tone: 'ok' };
  }
}

/**
 * Codes that say the gateway was never reached or stopped answering, rather than that it said no.
 * A hello the gateway did not get in time (HELLO_TIMEOUT) is one: the account was never judged.
 */
const UNREACHABLE: readonly string[] = [ErrorCode.LINK_DOWN, ErrorCode.HEARTBEAT_LOST, ErrorCode.RECONNECT_EXHAUSTED, ErrorCode.HELLO_TIMEOUT];
const INSECURE: readonly string[] = [ErrorCode.INSECURE_LINK, ErrorCode.TLS_REQUIRED];

/**
 * A site that is down is not a site that refused this account, nor one whose share of links for
 * this network is full (docs/architecture.md "Wire protocol", Connections): the technologist
 * calls different people, the site's IT for the last.
 */
function whyNotConnected(error: DeskTile['error']): StatusPresentation {
  if (error && UNREACHABLE.includes(error.code)) return { word: 'Site not reachable', icon: '✕', tone: 'bad' };
  if (error && INSECURE.includes(error.code)) return { word: 'Not a secure link', icon: '✕', tone: 'bad' };
  if (error?.code === ErrorCode.TOO_MANY_CONNECTIONS) return { word: 'Too many links from here', icon: '✕', tone: 'bad' };
  return { word: 'Sign-in refused', icon: '✕', tone: 'bad' };
}

export function sequenceWords(tile: Pick<DeskTile, 'state' | 'sequence'>): string | null {
  if (!tile.sequence) return null;
  const left = `${formatRemaining(tile.sequence.remainingS)} left`;
  if (tile.state === 'paused') return `${tile.sequence.name} · paused, ${left}`;
  if (tile.state === 'acquiring') return `${tile.sequence.name} · ${left}`;
  return null;
}

export function onsiteWords(onsite: DeskTile['onsite']): string {
  return onsite ? `${onsite.name}, ${CREDENTIAL_WORDS[onsite.credential]}` : 'Nobody checked in';
}

export function controlWords(tile: Pick<DeskTile, 'controlHolder' | 'youHoldControl'>): string {
  if (tile.youHoldControl) return 'You';
  return tile.controlHolder ?? 'Scanner room (no remote control)';
}

/** `index` is the tile's place on the desk, 0-based (Ctrl+index+1 focuses it). */
export function tileWords(tile: DeskTile, index: number): TileWords {
  const link = presentTileLink(tile);
  const problem = tile.link === 'connected' || tile.link === 'connecting' ? null : tile.error;
  const state = tile.state ? presentScannerState(tile.state) : null;
  const sequence = sequenceWords(tile);
  const pending = tile.alarms.filter((alarm) => !alarm.acknowledged).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const alarms = pending.map((alarm) => alarm.text);
  const onsite = onsiteWords(tile.onsite);
  const control = controlWords(tile);
  const unread = tile.unreadChat > 0 ? (tile.unreadChat > 99 ? '99+' : String(tile.unreadChat)) : null;
  const shortcut = shortcutHint(index);
  const sentence = [
    `Scanner ${index + 1}: ${tile.site.name}${tile.scanner ? `, ${tile.scanner}` : ''}`,
    `link ${link.word}${problem ? ` (${problem.message})` : ''}`,
    state ? `${state.word}${sequence ? `, ${sequence}` : ''}` : 'state not known',
    ...(alarms.length > 0 ? [`${alarms.length === 1 ? 'alarm' : `${alarms.length} alarms`}: ${alarms.join('; ')}`] : []),
    `onsite: ${onsite}`,
    `control: ${control}`,
    ...(unread ? [`${tile.unreadChat} unread ${tile.unreadChat === 1 ? 'message' : 'messages'}`] : []),
    ...(shortcut ? [`shortcut ${shortcut}`] : []),
  ];
  return {
    title: tile.site.name,
    scanner: tile.scanner,
    link,
    problem,
    state,
    sequence,
    onsite,
    control,
    alarms,
    alarmIcon: pending[0] ? presentAlarmKind(pending[0].kind).icon : null,
    unread,
    shortcut,
    accessibleName: sentence.join('; '),
  };
}
