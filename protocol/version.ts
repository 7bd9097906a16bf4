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
