/**
 * Seeded mutation fuzzer for the RLE decoders. Starts from valid frames, applies truncations,
 * bit flips, interesting byte values and bogus header fields, and checks that every outcome is
 * either a correct-size output or a typed RleError, with the native addon and the TypeScript
 * fallback agreeing on the outcome. Shared by the bounded CI test and bench/rle/fuzz.ts.
 */
import { ErrorCode } from '../../../protocol/errors.js';
import { RleError, typescriptRle, type RleCodec, type RleFrameInfo } from '../../../native-bridge/index.js';
import { makePixels, prng, type TestImage } from './images.js';

export interface Seed {
  frame: Uint8Array;
  info: RleFrameInfo;
}

export interface FuzzReport {
  cases: number;
  decoded: number;
  /** How many cases ended in each error code. */
  codes: Record<string, number>;
  /** Problems: untyped errors, wrong output sizes, or implementations disagreeing. */
  failures: string[];
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode).filter((code) => code.startsWith('LARMOR_E_RLE_')));

/** Valid frames of every shape the codec supports, encoded by the TypeScript encoder. */
function seedCorpus(): Seed[] {
  const shapes: TestImage[] = [
    { rows: 16, columns: 16, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'mr', seed: 1 },
    { rows: 7, columns: 9, samplesPerPixel: 1, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 2 },
    { rows: 8, columns: 8, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'mr', seed: 3 },
    { rows: 5, columns: 6, samplesPerPixel: 3, bitsAllocated: 16, planarConfiguration: 1, frames: 1, content: 'noisy', seed: 4 },
    { rows: 4, columns: 4, samplesPerPixel: 1, bitsAllocated: 32, planarConfiguration: 0, frames: 1, content: 'flat', seed: 5 },
    { rows: 3, columns: 300, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'flat', seed: 6 },
  ];
  return shapes.map((shape) => ({ frame: typescriptRle.encode(makePixels(shape), shape), info: shape }));
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff];

function mutate(seed: Seed, random: () => number): Seed {
  const pick = (n: number) => Math.floor(random() * n);
  let frame = seed.frame.slice();
  let info = seed.info;
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    switch (pick(8)) {
      case 0: // truncate
        frame = frame.slice(0, pick(frame.length + 1));
        break;
      case 1: // flip bits
        if (frame.length > 0) for (let i = 1 + pick(8); i > 0; i--) frame[pick(frame.length)] ^= 1 << pick(8);
        break;
      case 2: // interesting byte in the segment data
        if (frame.length > 64) frame[64 + pick(frame.length - 64)] = INTERESTING_BYTES[pick(INTERESTING_BYTES.length)];
        break;
      case 3: // bogus segment count
        if (frame.length >= 4) view.setUint32(0, [0, 1, 2, 3, 4, 6, 15, 16, 0xffffffff, pick(32)][pick(10)], true);
        break;
      case 4: {
        // bogus segment offset
        if (frame.length >= 64) {
          const slot = 1 + pick(15);
          const choices = [0, 63, 64, 65, frame.length - 1, frame.length, frame.length + 1, 0xffffffff, pick(frame.length + 2)];
          view.setUint32(slot * 4, choices[pick(choices.length)] >>> 0, true);
        }
        break;
      }
      case 5: {
        // append garbage
        const extra = new Uint8Array(pick(40));
        for (let i = 0; i < extra.length; i++) extra[i] = pick(256);
        const grown = new Uint8Array(frame.length + extra.length);
        grown.set(frame);
        grown.set(extra, frame.length);
        frame = grown;
        break;
      }
      case 6: // frame attributes that disagree with the stream
        info = { ...info, rows: Math.max(1, info.rows + pick(5) - 2), columns: Math.max(1, info.columns + pick(5) - 2) };
        break;
      default: // cut a chunk out of the middle
        if (frame.length > 2) {
          const start = pick(frame.length);
          const end = Math.min(frame.length, start + 1 + pick(16));
          const cut = new Uint8Array(frame.length - (end - start));
          cut.set(frame.subarray(0, start));
          cut.set(frame.subarray(end), start);
          frame = cut;
        }
    }
  }
  return { frame, info };
}

type Outcome = { ok: true; output: Uint8Array } | { ok: false; code: string; message: string };

function attempt(codec: RleCodec, seed: Seed): Outcome {
  try {
    return { ok: true, output: codec.decode(seed.frame, seed.info) };
  } catch (error) {
    if (error instanceof RleError && KNOWN_CODES.has(error.code)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'UNTYPED', message: String(error) };
  }
}

function expectedLength(info: RleFrameInfo): number {
  const bytes = info.bitsAllocated === 1 ? 1 : info.bitsAllocated / 8;
  const perSegment = info.bitsAllocated === 1 ? Math.ceil((info.rows * info.columns) / 8) : info.rows * info.columns;
  return perSegment * bytes * info.samplesPerPixel;
}

/** Run `cases` mutations from `seed`; implementations[0] is the reference for agreement. */
export function fuzz(codecs: RleCodec[], cases: number, randomSeed: number, corpus = seedCorpus()): FuzzReport {
  const random = prng(randomSeed);
  const report: FuzzReport = { cases, decoded: 0, codes: {}, failures: [] };
  for (let n = 0; n < cases; n++) {
    const input = mutate(corpus[Math.floor(random() * corpus.length)], random);
    const outcomes = codecs.map((codec) => attempt(codec, input));
    const first = outcomes[0];
    const describe = () => `case ${n} (seed ${randomSeed}): ${outcomes.map((o, i) => `${codecs[i].implementation}=${o.ok ? 'ok' : o.code}`).join(', ')}`;
    if (first.ok) {
      report.decoded++;
      if (first.output.length !== expectedLength(input.info)) report.failures.push(`${describe()}: output of ${first.output.length} bytes`);
    } else {
      report.codes[first.code] = (report.codes[first.code] ?? 0) + 1;
      if (first.code === 'UNTYPED') report.failures.push(`${describe()}: ${first.message}`);
    }
    for (const other of outcomes.slice(1)) {
      const agree = other.ok && first.ok ? Buffer.compare(other.output, first.output) === 0 : !other.ok && !first.ok && other.code === first.code;
      if (!agree) report.failures.push(`${describe()}: implementations disagree`);
    }
    if (report.failures.length >= 20) break;
  }
  return report;
}
