/**
 * Times of day as every window shows them: the workstation's event log, alarms and chat, and the
 * onsite console's. Local time, the clock on the wall of the control room: the gateway stamps
 * events in UTC (ISO 8601), and a console that printed those digits would be hours off from the
 * workstation beside it outside the UTC zone.
 */

/** Local wall-clock time hh:mm:ss of an ISO timestamp. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  const pad = (n: number) => n.toString().padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
