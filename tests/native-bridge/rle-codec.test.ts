import { describe, expect, it } from 'vitest';
import { RleError } from '../../native-bridge/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { frameWith } from './support/malformed.js';
import { implementations, nativeCodec, nativeFailure, nativeRequired } from './support/implementations.js';
import { typescriptRle } from '../../native-bridge/index.js';
import { makePixels, type TestImage } from './support/images.js';
import { seededRandom } from '../../base/common/random.js';

const mono16 = { rows: 4, columns: 4, samplesPerPixel: 1, bitsAllocated: 16 };
const mono8 = { rows: 2, columns: 3, samplesPerPixel: 1, bitsAllocated: 8 };

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RleError);
    return (error as RleError).code;
  }
  throw new Error('expected a typed RleError, nothing was thrown');
}

describe('native addon', () => {
  it.runIf(nativeRequired)('is built and loads (npm install builds it)', () => {
    expect(nativeFailure).toBeUndefined();
  });

  it.runIf(nativeCodec !== undefined)('encodes byte for byte like the TypeScript encoder', () => {
    for (const bitsAllocated of [8, 16, 32] as const) {
      for (const samplesPerPixel of [1, 3] as const) {
        const image = {
          rows: 31,
          columns: 130,
          samplesPerPixel,
          bitsAllocated,
          planarConfiguration: 1,
          frames: 1,
          content: 'mr',
          seed: bitsAllocated,
        } as const;
        const pixels = makePixels(image);
        expect(nativeCodec!.encode(pixels, image)).toEqual(typescriptRle.encode(pixels, image));
      }
    }
  });
});

describe('native addon, sixteen or eight bytes at a time', () => {
  // The native encoder tests sixteen or eight byte positions at once; runs that begin, end or
  // reach the 128-byte limit at every offset within a block, and rows of every short length
  // (around a block and its two bytes read beyond it), must give what the byte-by-byte
  // TypeScript encoder gives.
  it.runIf(nativeCodec !== undefined)('encodes runs of every length at every offset like the TypeScript encoder', () => {
    const random = seededRandom(128);
    const lengths = [1, 2, 3, 4, 7, 8, 9, 10, 15, 16, 17, 18, 31, 32, 33, 126, 127, 128, 129, 130, 255, 256, 257, 300];
    for (const columns of [1, 2, 3, 5, 8, 9, 10, 11, 16, 17, 18, 19, 33, 34, 35, 64, 129, 512, 1000]) {
      const rows = 24;
      const pixels = new Uint8Array(rows * columns);
      let value = 0;
      for (let at = 0; at < pixels.length;) {
        // Half of them single or paired bytes, so that literal stretches long enough to cross a
        // block come before a run.
        const run = random() < 0.5 ? 1 + Math.floor(random() * 2) : lengths[Math.floor(random() * lengths.length)]!;
        // Mostly a new value; sometimes the same again, so runs touch.
        if (random() < 0.8) value = Math.floor(random() * 4) === 0 ? Math.floor(random() * 256) : (value + 1) & 0xff;
        pixels.fill(value, at, Math.min(at + run, pixels.length));
        at += run;
      }
      const image = { rows, columns, samplesPerPixel: 1, bitsAllocated: 8 } as const;
      expect(Buffer.from(nativeCodec!.encode(pixels, image)).equals(Buffer.from(typescriptRle.encode(pixels, image))), `${columns} columns`).toBe(true);
    }
  });
});

describe.each(implementations)('RLE codec (%s)', (_name, codec) => {
  it('decodes literal, replicate and no-op runs of one 8-bit segment', () => {
    // 0x02 = literal of 3, 0xfe = replicate 3 times, 0x80 = no-op (PS3.5 G.3.2).
    const frame = frameWith([new Uint8Array([0x02, 1, 2, 3, 0x80, 0xfe, 9])]);
    expect([...codec.decode(frame, mono8)]).toEqual([1, 2, 3, 9, 9, 9]);
  });

  it('writes 16-bit samples little-endian from most-significant-first segments', () => {
    const high = new Uint8Array([0xf1, 0x12]); // replicate 0x12 x16
    const low = new Uint8Array([0xf1, 0x34]);
    const out = codec.decode(frameWith([high, low]), mono16);
    expect(out.length).toBe(32);
    expect([...out.subarray(0, 4)]).toEqual([0x34, 0x12, 0x34, 0x12]);
  });

  it('tolerates odd-length segments and trailing padding after a full segment', () => {
    const padded = new Uint8Array([0x05, 1, 2, 3, 4, 5, 6, 0x00]); // full after 6 bytes, then a pad byte
    const odd = new Uint8Array([0x05, 1, 2, 3, 4, 5, 6]); // 7 bytes: the next segment starts at an odd offset
    const last = new Uint8Array([0xfb, 7]);
    const rgbPlanar = { rows: 2, columns: 3, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 1 };
    const out = codec.decode(frameWith([padded, odd, last]), rgbPlanar);
    expect([...out]).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7]);
  });

  it('refuses non-zero data after a full middle segment, not only the last', () => {
    const extra = new Uint8Array([0x05, 1, 2, 3, 4, 5, 6, 0x00, 0x42]);
    const last = new Uint8Array([0xfb, 7]);
    const rgbPlanar = { rows: 2, columns: 3, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 1 };
    expect(codeOf(() => codec.decode(frameWith([extra, last, last]), rgbPlanar))).toBe(ErrorCode.RLE_TRAILING_DATA);
  });

  it('interleaves RGB per Planar Configuration 0 and keeps planes for 1', () => {
    const segments = [new Uint8Array([0xff, 10]), new Uint8Array([0xff, 20]), new Uint8Array([0xff, 30])];
    const info = { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8 };
    expect([...codec.decode(frameWith(segments), { ...info, planarConfiguration: 0 })]).toEqual([10, 20, 30, 10, 20, 30]);
    expect([...codec.decode(frameWith(segments), { ...info, planarConfiguration: 1 })]).toEqual([10, 10, 20, 20, 30, 30]);
  });

  it('decodes into a caller buffer the same bytes decode() returns', () => {
    const image = { rows: 9, columns: 11, samplesPerPixel: 3, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 8 } as const;
    const encoded = codec.encode(makePixels(image), image);
    const target = new Uint8Array(9 * 11 * 3 * 2);
    codec.decodeInto(encoded, image, target);
    expect(target).toEqual(codec.decode(encoded, image));
    expect(codeOf(() => codec.decodeInto(encoded, image, new Uint8Array(target.length - 1)))).toBe(ErrorCode.RLE_OUTPUT_SIZE_MISMATCH);
  });

  it('decodes a frame given as several fragments', () => {
    const frame = frameWith([new Uint8Array([0x05, 1, 2, 3, 4, 5, 6])]);
    expect([...codec.decode([frame.subarray(0, 40), frame.subarray(40, 66), frame.subarray(66)], mono8)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  const images: TestImage[] = [
    { rows: 255, columns: 257, samplesPerPixel: 1, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'mr', seed: 1 },
    { rows: 17, columns: 33, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 2 },
    { rows: 9, columns: 300, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 3 },
    { rows: 9, columns: 7, samplesPerPixel: 3, bitsAllocated: 16, planarConfiguration: 1, frames: 1, content: 'mr', seed: 4 },
    { rows: 5, columns: 3, samplesPerPixel: 3, bitsAllocated: 32, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 5 },
    { rows: 64, columns: 64, samplesPerPixel: 1, bitsAllocated: 32, planarConfiguration: 0, frames: 1, content: 'flat', seed: 6 },
  ];
  it.each(images)('round-trips its own encoding: $rows x $columns, $samplesPerPixel x $bitsAllocated bits, planar $planarConfiguration, $content', (image) => {
    const pixels = makePixels(image);
    const encoded = codec.encode(pixels, image);
    expect(encoded.length % 2).toBe(0);
    expect(codec.decode(encoded, image)).toEqual(pixels);
  });

  it('round-trips a 1-bit packed bitmap (segmentation)', () => {
    const info = { rows: 10, columns: 13, samplesPerPixel: 1, bitsAllocated: 1 };
    const pixels = makePixels({ ...info, samplesPerPixel: 1, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 9 }).subarray(0, 17);
    expect(codec.decode(codec.encode(pixels, info), info)).toEqual(pixels);
  });

  describe('rejects malformed frames with a typed error', () => {
    const good = new Uint8Array([0x05, 1, 2, 3, 4, 5, 6]);
    it.each([
      ['a frame shorter than the header', () => new Uint8Array(63), ErrorCode.RLE_HEADER_TRUNCATED],
      ['zero segments', () => frameWith([good], { count: 0 }), ErrorCode.RLE_BAD_SEGMENT_COUNT],
      ['16 segments', () => frameWith([good], { count: 16 }), ErrorCode.RLE_BAD_SEGMENT_COUNT],
      ['more segments than the image has', () => frameWith([good, good]), ErrorCode.RLE_SEGMENT_COUNT_MISMATCH],
      ['a first offset other than 64', () => frameWith([good], { offsets: [60] }), ErrorCode.RLE_BAD_FIRST_OFFSET],
      ['a literal run past the segment end', () => frameWith([new Uint8Array([0x05, 1, 2])]), ErrorCode.RLE_RUN_EXCEEDS_SEGMENT],
      ['a replicate run without its byte', () => frameWith([new Uint8Array([0x02, 1, 2, 3, 0xfe])]), ErrorCode.RLE_RUN_EXCEEDS_SEGMENT],
      ['a run past Rows x Columns', () => frameWith([new Uint8Array([0x06, 1, 2, 3, 4, 5, 6, 7])]), ErrorCode.RLE_RUN_EXCEEDS_OUTPUT],
      ['a replicate run past Rows x Columns', () => frameWith([new Uint8Array([0x80, 0x81, 7])]), ErrorCode.RLE_RUN_EXCEEDS_OUTPUT],
      ['a segment that ends early', () => frameWith([new Uint8Array([0x02, 1, 2, 3])]), ErrorCode.RLE_SEGMENT_TOO_SHORT],
      ['runs that continue after the segment is full', () => frameWith([new Uint8Array([0x05, 1, 2, 3, 4, 5, 6, 0x01, 7, 8])]), ErrorCode.RLE_TRAILING_DATA],
      ['a replicate run after the segment is full', () => frameWith([new Uint8Array([0xfb, 1, 0xfe, 9])]), ErrorCode.RLE_TRAILING_DATA],
      ['a no-op run after the segment is full', () => frameWith([new Uint8Array([0xfb, 1, 0x80, 0x00])]), ErrorCode.RLE_TRAILING_DATA],
      ['one non-zero byte after the padding byte', () => frameWith([new Uint8Array([0xfb, 1, 0x00, 0x03])]), ErrorCode.RLE_TRAILING_DATA],
    ])('%s', (_what, build, code) => {
      expect(codeOf(() => codec.decode(build(), mono8))).toBe(code);
    });

    it('offsets that decrease or point past the fragment', () => {
      const info = { rows: 2, columns: 3, samplesPerPixel: 3, bitsAllocated: 8 };
      expect(codeOf(() => codec.decode(frameWith([good, good, good], { offsets: [64, 71, 70] }), info))).toBe(ErrorCode.RLE_BAD_SEGMENT_OFFSET);
      expect(codeOf(() => codec.decode(frameWith([good, good, good], { offsets: [64, 71, 999] }), info))).toBe(ErrorCode.RLE_BAD_SEGMENT_OFFSET);
    });

    it('a header whose segments cannot fill Rows x Columns, before allocating it', () => {
      const huge = { rows: 40000, columns: 40000, samplesPerPixel: 1, bitsAllocated: 8 }; // 1.6 GB if allocated
      expect(codeOf(() => codec.decode(frameWith([new Uint8Array([0x81, 0])]), huge))).toBe(ErrorCode.RLE_SEGMENT_TOO_SHORT);
    });

    it('frame attributes RLE cannot describe', () => {
      const frame = frameWith([good]);
      expect(codeOf(() => codec.decode(frame, { ...mono8, rows: 0 }))).toBe(ErrorCode.RLE_INVALID_FRAME_INFO);
      expect(codeOf(() => codec.decode(frame, { ...mono8, samplesPerPixel: 2 }))).toBe(ErrorCode.RLE_INVALID_FRAME_INFO);
      expect(codeOf(() => codec.decode(frame, { ...mono8, bitsAllocated: 12 }))).toBe(ErrorCode.RLE_INVALID_FRAME_INFO);
      expect(codeOf(() => codec.decode(frame, { ...mono8, planarConfiguration: 2 }))).toBe(ErrorCode.RLE_INVALID_FRAME_INFO);
      expect(codeOf(() => codec.decode(frame, { rows: 65535, columns: 65535, samplesPerPixel: 3, bitsAllocated: 32 }))).toBe(ErrorCode.RLE_FRAME_TOO_LARGE);
    });

    it('a pixel buffer of the wrong size given to encode', () => {
      expect(codeOf(() => codec.encode(new Uint8Array(5), mono8))).toBe(ErrorCode.RLE_INPUT_SIZE_MISMATCH);
    });
  });
});
