import { MAX_FRAME_BYTES } from '../../protocol/index.js';

/**
 * Whether a frame from the gateway is longer than any client accepts (MAX_FRAME_BYTES,
 * docs/architecture.md "Wire protocol", "Message cap toward clients"): a text frame counted in
 * UTF-8, a binary one (an image frame, protocol/image-frame.ts) in bytes. The workstation's socket
 * refuses one from its header (`maxPayload`); a page's WebSocket has no such limit, so the page
 * drops one before reading it: a sound gateway never sends one, and reading tens of megabytes
 * would hold the page, heartbeats and emergency stop included, for seconds, or have its image
 * worker put together and paint an image no gateway may send.
 *
 * Cheap: a string of n UTF-16 units is between n and 3n bytes of UTF-8, so only a text frame near
 * the limit is counted, and that without encoding it.
 */
export function exceedsFrameLimit(frame: string | ArrayBuffer, limit = MAX_FRAME_BYTES): boolean {
  if (typeof frame !== 'string') return frame.byteLength > limit;
  if (frame.length > limit) return true;
  if (frame.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < frame.length; i++) {
    const unit = frame.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    // Each half of a surrogate pair: the pair is four bytes.
    else if (unit >= 0xd800 && unit <= 0xdfff) bytes += 2;
    else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}
