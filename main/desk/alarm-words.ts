/** An alarm in words: whole, and without its kind's words for the alarm bar, which shows the kind in front of it. */
export interface AlarmWords {
  text: string;
  detail: string;
}

/** The words of the alarms the workstation raises itself (a gateway's come with its notice, protocol/messages.ts NoticeAlarm). */
export const WORKSTATION_ALARM_WORDS = {
  'link-lost': (site: string, reason: string): AlarmWords => ({ text: `Link to ${site} lost: ${reason}`, detail: reason }),
  'media-lost': (site: string, reason: string | null): AlarmWords => ({
    text: `Audio and video with ${site} lost${reason ? `: ${reason}` : ''}`,
    detail: reason ?? '',
  }),
  'operator-loss': (name: string, controlReturnsAt: string): AlarmWords => {
    const returns = `control returns to onsite at ${controlReturnsAt.slice(11, 19)}`;
    return { text: `Operator ${name}: link lost; ${returns}`, detail: `${name}: ${returns}` };
  },
} as const;
