/**
 * The UTF-8 size of a JSON text when it is over `limitBytes`, or null when it fits. A WebSocket
 * text message is its UTF-8 bytes (RFC 6455 5.6) while JSON.stringify gives UTF-16 text, whose
 * units are one to three bytes each: the bytes are counted only when the text could be over.
 */
export function bytesOver(text: string, limitBytes: number): number | null {
  if (text.length * 3 <= limitBytes) return null;
  const bytes = Buffer.byteLength(text);
  return bytes > limitBytes ? bytes : null;
}
