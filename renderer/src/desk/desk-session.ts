import type { DeskAlarm, DeskTile, DeskView } from '../../../protocol/desk.js';

/**
 * The desk shows (tiles, alarm bar) with two scanners or more. A desk of one, which is what the
 * one-gateway connect makes, is the console alone, as it always was: its own banners carry its
 * alarms.
 */
export function deskShown(desk: DeskView | null): desk is DeskView {
  return desk !== null && desk.tiles.length >= 2;
}

/**
 * A shown desk keeps the session screen while any scanner on it has a session (connected, or
 * lost and being reconnected): one site refusing or going down shows on its tile and never takes
 * the other scanners away. When none is left the window goes back to connect.
 */
export function deskHoldsSession(desk: DeskView | null): boolean {
  return deskShown(desk) && desk.tiles.some((tile) => tile.link === 'connected' || tile.link === 'lost');
}

/** The focused scanner's emergency stop is on the desk's alarm bar, so the console's own banner stands down. */
export function deskShowsFocusedEmergency(desk: DeskView | null): boolean {
  return deskShown(desk) && (focusedTile(desk)?.alarms.some((alarm) => alarm.kind === 'emergency-stop') ?? false);
}

/**
 * The focused scanner's emergency stops not yet acknowledged: what the console's own emergency
 * banner acknowledges at the gateway too, as the alarm bar does, so that onsite staff learn it was seen.
 */
export function focusedEmergencyAlarms(desk: DeskView | null): DeskAlarm[] {
  return focusedTile(desk)?.alarms.filter((alarm) => alarm.kind === 'emergency-stop' && !alarm.acknowledged) ?? [];
}

/** The tile of the scanner on the console. */
export function focusedTile(desk: DeskView | null): DeskTile | undefined {
  return desk?.tiles.find((tile) => tile.site.id === desk.focusedSiteId);
}
