import { MAX_FRAME_BYTES } from '../../protocol/index.js';

/**
 * Whether a text frame from the gateway is longer, in UTF-8, than any client accepts
 * (MAX_FRAME_BYTES, docs/architecture.md "Wire protocol", "Message cap toward clients"). The
 * workstation's socket refuses one from its header (`maxPayload`); a page's WebSocket has no such
 * limit, so the page drops one before reading it: a sound gateway never sends one, and reading
 * tens of megabytes would hold the page, heartbeats and emergency stop included, for seconds.
 *
 * Cheap: a string of n UTF-16 units is between n and 3n bytes of UTF-8, so only a frame near the
 * limit is counted, and that without encoding it.
 */
export function exceedsFrameLimit(text: string, limit = MAX_FRAME_BYTES): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    // Each half of a surrogate pair: the pair is four bytes.
    else if (unit >= 0xd800 && unit <= 0xdfff) bytes += 2;
    else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}
