import { ErrorCode, LarmorError, type ClientMessage, type MediaClientMessage } from '../../protocol/index.js';

/**
 * WebRTC signaling between the renderer's peer connections and the gateway (docs/architecture.md "Wire protocol"). The core
 * only carries it: media messages from the gateway go to the renderer as they are, and the
 * renderer's (schema-checked at the IPC gate) go out on the current link. The peer connections
 * themselves live in the renderer, which has Chromium's WebRTC; which gateway messages are media
 * is the protocol's to say (protocol/signaling.ts isMediaGatewayMessage).
 */

/** Sends one media message on the link, or says why it cannot (the renderer retries on rejoin). */
export function relayMediaMessage(send: (message: ClientMessage) => boolean, message: MediaClientMessage): void {
  if (!send(message)) throw new LarmorError(ErrorCode.LINK_DOWN, 'not connected to the gateway: media signaling waits for the link');
}
