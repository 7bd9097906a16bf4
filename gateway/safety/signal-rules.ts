import { ErrorCode, exchangesMedia, observerSdpProblem, type Role, type SessionDescription } from '../../protocol/index.js';
import type { Refusal } from './start-gate.js';

export interface SignalParty {
  role: Role;
  inRoom: boolean;
}

/**
 * What the gateway relays (docs/architecture.md "Safety rules", media): signals only between room members whose roles exchange
 * media, and from an observer only receive-only descriptions, so a trainer can see and hear
 * but never put a camera or microphone into the session.
 */
export function refuseSignal(from: SignalParty, to: SignalParty | undefined, description: SessionDescription | undefined): Refusal | null {
  if (!from.inRoom) return { code: ErrorCode.SIGNAL_REFUSED, reason: 'join the media room before signaling' };
  if (!to || !to.inRoom) return { code: ErrorCode.SIGNAL_REFUSED, reason: 'the addressee is not in the media room' };
  if (!exchangesMedia(from.role, to.role)) return { code: ErrorCode.SIGNAL_REFUSED, reason: `${from.role} and ${to.role} do not exchange media` };
  const problem = from.role === 'observer' && description ? observerSdpProblem(description.sdp) : null;
  if (problem) return { code: ErrorCode.SIGNAL_REFUSED, reason: `observers receive only: ${problem}` };
  return null;
}
