import type { DeskView } from '../../../protocol/desk.js';
import { acquisitionUnderway } from '../../../protocol/scanner.js';
import type { Availability } from '../logic/controls.js';

/**
 * The machine policy's limit on acquisitions at once (protocol/desk.ts
 * `maxConcurrentAcquisitions`, one by default as the ACR position asks), as a reason on Start
 * and Resume: another scanner on this desk under your control is acquiring or paused. The
 * workstation core refuses such a start anyway; this spares the technologist the refusal.
 * Null when the limit does not stand in the way.
 */
export function deskStartLimit(desk: DeskView | null): Availability | null {
  if (!desk || desk.tiles.length < 2) return null;
  const busy = desk.tiles.filter((tile) => tile.site.id !== desk.focusedSiteId && tile.youHoldControl && acquisitionUnderway(tile.state));
  const max = desk.maxConcurrentAcquisitions;
  if (busy.length + 1 <= max) return null;
  const names = busy.map((tile) => tile.site.name).join(', ');
  return {
    enabled: false,
    reason: `${names} ${busy.length === 1 ? 'is' : 'are'} acquiring under your control; your policy allows ${max} acquisition${max === 1 ? '' : 's'} at a time`,
  };
}
