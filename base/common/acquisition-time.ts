/**
 * Acquisition times as MR consoles show them, for every window that shows one: the
 * workstation's queue, progress and desk tiles, and the onsite console's scanner panel.
 */

/** Placeholder shown when a duration is unknown, so a blank never reads as "zero". */
const UNKNOWN_DURATION = '-:--';

/**
 * Seconds as m:ss, the way MR consoles show acquisition time (minutes are not wrapped into
 * hours: a 75-minute exam reads 75:00). Rounds to the nearest second.
 */
export function formatMinSec(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return UNKNOWN_DURATION;
  return minSec(Math.round(seconds));
}

/**
 * Time remaining as m:ss, rounded up: a sequence with 0.4 s left still shows 0:01, so 0:00
 * means finished rather than "almost".
 */
export function formatRemaining(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return UNKNOWN_DURATION;
  return minSec(Math.ceil(seconds));
}

function minSec(total: number): string {
  const minutes = Math.floor(total / 60);
  const secs = total % 60;
  return `${minutes}:${secs.toString().padStart(2, '0')}`;
}
