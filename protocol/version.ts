/** Wire protocol version. Bump on any incompatible change to the messages in this folder. */
export const PROTOCOL_VERSION = 1;

/**
 * WebSocket subprotocol naming the version (RFC 6455 section 1.9): a gateway that does not speak
 * it fails the upgrade instead of misreading frames.
 */
export const SUBPROTOCOL = `larmor.v${PROTOCOL_VERSION}`;

/**
 * Largest frame either side accepts. A 1024x1024 16-bit image is 2 MiB uncompressed; 16 MiB
 * leaves room for multi-frame objects while bounding memory per connection (ws `maxPayload`).
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Largest frame a client sends the gateway. Clients send only control messages (hello, commands,
 * chat, marks, media signaling); the biggest legitimate one is a 48 KiB session description. The
 * gateway's WebSocket server enforces it as its `maxPayload`, so a bigger frame is refused from its
 * header (close 1009, RFC 6455 7.4.1) before any of its payload is buffered.
 */
export const MAX_CONTROL_FRAME_BYTES = 64 * 1024;
