/** Hand-built RLE frames for header and run checks. */
export function frameWith(segments: Uint8Array[], overrides: { count?: number; offsets?: number[] } = {}): Uint8Array {
  const total = 64 + segments.reduce((sum, segment) => sum + segment.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, overrides.count ?? segments.length, true);
  let pos = 64;
  segments.forEach((segment, i) => {
    view.setUint32(4 + 4 * i, overrides.offsets?.[i] ?? pos, true);
    out.set(segment, pos);
    pos += segment.length;
  });
  return out;
}
