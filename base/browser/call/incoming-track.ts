import { sendsMedia, type MediaMember } from '../../../protocol/signaling.js';

/**
 * Whether a track that arrived from a peer may be shown or played. Observers never send: the
 * gateway relays only their receive-only descriptions, and should a track from one arrive anyway
 * (a modified client, a relay bug) it is dropped here as well. Only audio and video are kept.
 */
export function keepsIncomingTrack(from: MediaMember['role'], track: { kind: string }): boolean {
  return sendsMedia(from) && (track.kind === 'audio' || track.kind === 'video');
}
