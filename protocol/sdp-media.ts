/**
 * The media sections of an SDP and the direction each one declares (RFC 4566 section 5.14 and 6,
 * RFC 3264 section 5.1). Just enough of SDP for the gateway to decide what an observer may send:
 * it reads m= lines and the four direction attributes (whatever value follows their name),
 * nothing else. Environment-free.
 */

type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

interface MediaSection {
  /** The m= line's media type: audio, video, application (data channels), text, ... */
  media: string;
  /** 0 marks a section rejected or stopped (RFC 3264 section 6): it carries nothing. */
  port: number;
  /** Every direction attribute of the section, in order (a well-formed section has at most one). */
  directions: MediaDirection[];
}

export interface ParsedSdp {
  /** Direction attributes before the first m= line; they apply to sections without their own. */
  sessionDirections: MediaDirection[];
  sections: MediaSection[];
}

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** Lines may end in CRLF (RFC 4566 section 5) or, leniently, LF alone, as browsers accept. */
export function parseSdpMedia(sdp: string): ParsedSdp {
  const parsed: ParsedSdp = { sessionDirections: [], sections: [] };
  let current: MediaSection | null = null;
  for (const raw of sdp.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      const [media = '', port = ''] = line.slice(2).split(/\s+/);
      current = { media, port: /^\d+(\/\d+)?$/.test(port) ? Number.parseInt(port, 10) : Number.NaN, directions: [] };
      parsed.sections.push(current);
    } else {
      // An attribute's name ends at a colon or a blank, as a browser reads it: libwebrtc takes
      // "a=sendrecv:x" and "a=sendonly 1" for sendrecv and sendonly (pc/webrtc_sdp.cc
      // HasAttribute), and so must this check, or such a line would pass unseen.
      const name = /^a=([^:\s]*)/.exec(line)?.[1];
      if (name !== undefined && DIRECTIONS.has(name)) (current ? current.directions : parsed.sessionDirections).push(name as MediaDirection);
    }
  }
  return parsed;
}

/**
 * Why an observer's description must not be relayed, or null when every section only receives.
 * Observers see and hear but never send (their role), so: audio and video only, each section with
 * at most one direction attribute (two, such as recvonly then sendonly, are contradictory and
 * refused rather than guessed at), and that direction, or the session's when it has none,
 * recvonly or inactive; none at all means sendrecv (RFC 4566 section 6). Data channels
 * (m=application) are refused outright: they would carry anything.
 */
export function observerSdpProblem(sdp: string): string | null {
  const { sessionDirections, sections } = parseSdpMedia(sdp);
  if (sessionDirections.length > 1)
    return `the session declares ${sessionDirections.length} directions (${sessionDirections.join(', ')}); at most one is allowed`;
  if (sections.length === 0) return 'the description has no media section';
  for (const [index, section] of sections.entries()) {
    const where = `media section ${index + 1} (m=${section.media})`;
    if (section.media !== 'audio' && section.media !== 'video') return `${where}: observers may only receive audio and video`;
    if (Number.isNaN(section.port)) return `${where}: the m= line has no valid port`;
    if (section.directions.length > 1)
      return `${where} declares ${section.directions.length} directions (${section.directions.join(', ')}); exactly one is allowed`;
    const direction = section.directions[0] ?? sessionDirections[0] ?? 'sendrecv';
    if (direction !== 'recvonly' && direction !== 'inactive') return `${where} is ${direction}; observers receive only`;
  }
  return null;
}
