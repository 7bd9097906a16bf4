import type { DeskAlarmKind } from '../../protocol/index.js';

/**
 * Which desk alarm an alarm-level notice of a gateway is, by the words the gateway's safety rules
 * write (gateway/safety/onsite-actions.ts, gateway/server/control.ts; docs/architecture.md
 * "Safety rules" 4 and 5, and `help.call` under "Collaboration"). Other alarm notices (an onsite
 * console not responding) stay in the event log only.
 */
export function alarmKindOfNotice(text: string): DeskAlarmKind | null {
  if (/^HELP CALLED\b/.test(text)) return 'help-call';
  if (/^EMERGENCY STOP\b/.test(text)) return 'emergency-stop';
  if (/^Operator .+: link lost\b/.test(text)) return 'operator-loss';
  return null;
}

/** The tile's words for an alarm the workstation raises itself. */
export const WORKSTATION_ALARM_WORDS = {
  'link-lost': (site: string, reason: string) => `Link to ${site} lost: ${reason}`,
  'media-lost': (site: string, reason: string | null) => `Audio and video with ${site} lost${reason ? `: ${reason}` : ''}`,
  'operator-loss': (name: string, controlReturnsAt: string) => `Operator ${name}: link lost; control returns to onsite at ${controlReturnsAt.slice(11, 19)}`,
} as const;
