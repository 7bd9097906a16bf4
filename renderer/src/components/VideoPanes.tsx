import { useMemo } from 'react';
import { useApp } from '../store/store.js';
import { CallView } from '../../../base/browser/call/CallView.js';
import { larmorSignalingPort } from '../media/larmor-port.js';
import { useCall } from '../../../base/browser/call/use-call.js';

/**
 * Scanner-room video and my camera (the window's right column), over WebRTC with the onsite
 * console; signaling rides the gateway link through window.larmor.media. Observers receive
 * both sides and send nothing.
 */
export function VideoPanes() {
  const role = useApp((s) => s.link.role);
  const sessionId = useApp((s) => (s.link.status === 'connected' ? s.link.sessionId : null));
  const port = useMemo(() => larmorSignalingPort(typeof window === 'undefined' ? null : (window.larmor ?? null)), []);
  const call = useCall(port, sessionId, role === 'operator');
  if (!role || role === 'onsite') return null;
  return <CallView call={call} role={role} remoteTitle={role === 'observer' ? 'Scanner room and remote technologist' : 'Scanner-room video'} />;
}
