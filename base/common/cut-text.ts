/**
 * `text` cut to `max` characters, with an ellipsis after them. Copied, not sliced: a slice of a
 * string can keep the whole original in memory (V8 does), and a text of megabytes would stay.
 * Never half a surrogate pair (a character outside the Basic Multilingual Plane).
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return Array.from(text.slice(0, end)).join('') + '…';
}
