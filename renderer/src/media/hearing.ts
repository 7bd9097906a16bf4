import { exchangesMedia, type MediaMember } from '../../../protocol/signaling.js';

export interface HearingLine {
  /** Stable key for React and tests. */
  key: string;
  text: string;
  live: boolean;
}

/**
 * Who hears whom, in words, from the room (each member publishes mic, camera and intercom). A
 * listener hears a speaker when they exchange media and the speaker's microphone is open; the
 * patient hears the remote operator only through the intercom (push-to-talk); observers hear
 * everyone and nobody hears them.
 */
export function whoHearsWhom(members: readonly MediaMember[], self: string | null): HearingLine[] {
  const name = (m: MediaMember) => (m.sessionId === self ? 'You' : m.name);
  const lines: HearingLine[] = [];
  for (const speaker of members) {
    if (speaker.role === 'observer') continue;
    for (const listener of members) {
      if (listener === speaker || !exchangesMedia(speaker.role, listener.role)) continue;
      const live = speaker.state.audio || speaker.state.intercom;
      lines.push({ key: `${speaker.sessionId}>${listener.sessionId}`, text: `${name(listener)} ${listener.sessionId === self ? 'hear' : 'hears'} ${speaker.sessionId === self ? 'you' : speaker.name}${live ? '' : ' (muted)'}`, live });
    }
    if (speaker.role === 'operator') {
      lines.push({ key: `${speaker.sessionId}>patient`, text: `Patient hears ${speaker.sessionId === self ? 'you' : speaker.name}${speaker.state.intercom ? ' (intercom open)' : ' (intercom closed)'}`, live: speaker.state.intercom });
    }
  }
  if (members.some((m) => m.role === 'observer')) {
    lines.push({ key: 'observers', text: 'Nobody hears observers: they receive only', live: false });
  }
  return lines;
}
