import type { LarmorApi } from '../../../protocol/api.js';
import type { SignalingPort } from '../../../base/browser/call/signaling-port.js';

/**
 * The workstation's signaling path: window.larmor.media (preload -> main core -> gateway link).
 * A send that fails while the link is down is dropped: the call rejoins with the next session id.
 */
export function larmorSignalingPort(api: LarmorApi | null): SignalingPort | null {
  const media = api?.media;
  if (!media) return null;
  return {
    send: (message) => void media.send(message).catch(() => undefined),
    subscribe: (listener) => media.subscribe(listener),
  };
}
