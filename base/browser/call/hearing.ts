import { exchangesMedia, type MediaMember } from '../../../protocol/signaling.js';

export interface HearingLine {
  /** Stable key for React and tests. */
  key: string;
  text: string;
  live: boolean;
}

/**
 * Who hears whom, in words, from what each listener measured: this side's own inbound audio
 * (`selfHears`) and the `hears` every other member publishes (getStats bytes and audio level
 * over the last 2 s, base/browser/call/peer-mesh.ts). Never from intent: an open microphone
 * on a dead connection is not heard. The patient hears the remote operator only through the
 * intercom (push-to-talk), which nobody can measure here, so that line says what is switched.
 * Observers hear everyone and nobody hears them.
 */
export function whoHearsWhom(members: readonly MediaMember[], self: string | null, selfHears: readonly string[] = []): HearingLine[] {
  const name = (m: MediaMember) => (m.sessionId === self ? 'You' : m.name);
  const lines: HearingLine[] = [];
  for (const speaker of members) {
    if (speaker.role === 'observer') continue;
    for (const listener of members) {
      if (listener === speaker || !exchangesMedia(speaker.role, listener.role)) continue;
      const measured = listener.sessionId === self ? selfHears : listener.state.hears;
      const live = measured?.includes(speaker.sessionId) ?? false;
      const why = live
        ? ''
        : !(speaker.state.audio || speaker.state.intercom)
          ? ' (muted)'
          : measured === undefined
            ? ' (not measured)'
            : ' (no sound arriving)';
      const verb = listener.sessionId === self ? (live ? 'hear' : 'do not hear') : live ? 'hears' : 'does not hear';
      lines.push({
        key: `${speaker.sessionId}>${listener.sessionId}`,
        text: `${name(listener)} ${verb} ${speaker.sessionId === self ? 'you' : speaker.name}${why}`,
        live,
      });
    }
    if (speaker.role === 'operator') {
      lines.push({
        key: `${speaker.sessionId}>patient`,
        text: `Patient hears ${speaker.sessionId === self ? 'you' : speaker.name}${speaker.state.intercom ? ' (intercom open)' : ' (intercom closed)'}`,
        live: speaker.state.intercom,
      });
    }
  }
  if (members.some((m) => m.role === 'observer')) {
    lines.push({ key: 'observers', text: 'Nobody hears observers: they receive only', live: false });
  }
  return lines;
}
