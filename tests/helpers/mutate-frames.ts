/**
 * Mutations of a frame a peer sent, for the fuzz tests of a client (seeded by the caller, so a
 * failure replays): a text message with a field somewhere replaced by an odd value, dropped, or
 * the whole cut short; an image frame with bytes flipped (mostly in the head, where lengths and
 * offsets are), cut or lengthened.
 */

/** A frame as sent. */
export interface Frame {
  data: Buffer;
  binary: boolean;
}

const ODD_VALUES: readonly unknown[] = [null, true, -1, 0, 1.5, 1e308, -1e308, '', 'x'.repeat(5000), [], {}, [[[[]]]], '\u0000\uffff', 'LARMOR_E_' + 'X'];

export function mutateFrame(frame: Frame, random: () => number): Frame {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  if (frame.binary) {
    const bytes = Buffer.from(frame.data);
    const how = random();
    if (how < 0.3) return { data: bytes.subarray(0, Math.floor(random() * bytes.length)), binary: true };
    if (how < 0.4) return { data: Buffer.concat([bytes, Buffer.alloc(Math.floor(random() * 4096), 0xff)]), binary: true };
    for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) {
      const at = Math.floor((random() < 0.7 ? Math.min(bytes.length, 256) : bytes.length) * random());
      bytes[at] = Math.floor(random() * 256);
    }
    return { data: bytes, binary: true };
  }
  const text = frame.data.toString('utf8');
  if (random() < 0.1) return { data: Buffer.from(text.slice(0, Math.floor(random() * text.length))), binary: false };
  const message = JSON.parse(text) as Record<string, unknown>;
  let node: Record<string, unknown> = message;
  for (let depth = 0; depth < 4; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = pick(keys);
    const child = node[key];
    if (child !== null && typeof child === 'object' && random() < 0.6) {
      node = child as Record<string, unknown>;
      continue;
    }
    if (random() < 0.2) delete node[key];
    else node[key] = pick(ODD_VALUES);
    break;
  }
  return { data: Buffer.from(JSON.stringify(message)), binary: false };
}
