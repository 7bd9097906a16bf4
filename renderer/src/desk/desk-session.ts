import type { DeskView } from '../../../protocol/desk.js';

/**
 * The desk keeps the session screen while any scanner on it has a session or is getting one:
 * one site refusing or going down shows on its tile, it never takes the other scanners away.
 * Only when none is left (all refused, down or disconnected) does the window go back to connect.
 */
export function deskHoldsSession(desk: DeskView | null): boolean {
  return desk !== null && desk.tiles.some((tile) => tile.link === 'connected' || tile.link === 'connecting' || tile.link === 'lost');
}

/** The focused scanner's emergency stop is on the desk's alarm bar, so the console's own banner stands down. */
export function deskShowsFocusedEmergency(desk: DeskView | null): boolean {
  const focused = desk?.tiles.find((tile) => tile.site.id === desk.focusedSiteId);
  return focused !== undefined && focused.alarms.some((alarm) => alarm.kind === 'emergency-stop');
}
