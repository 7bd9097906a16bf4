import type { MediaClientMessage, MediaGatewayMessage } from '../../../protocol/signaling.js';

/**
 * How a page reaches the gateway's media room. The workstation goes through window.larmor.media
 * (renderer -> preload -> main core -> gateway link); the onsite console speaks the wire protocol
 * on its own WebSocket. The call code cannot tell them apart.
 */
export interface SignalingPort {
  send(message: MediaClientMessage): void;
  subscribe(listener: (message: MediaGatewayMessage) => void): () => void;
}
