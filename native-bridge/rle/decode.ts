/**
 * RLE Lossless decoder (PS3.5 Annex G), pure TypeScript. Defensive: the 64-byte header is fully
 * validated before any output is allocated, and every run is bounded by what is left of its
 * segment (input) and of Rows x Columns (output) before a byte is written. Each loop iteration
 * consumes at least one input byte, so it cannot hang. Mirrors native-bridge/src/rle_decode.cc
 * check for check, so both throw the same code for the same input.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { RleError } from './errors.js';
import { frameLayout, segmentPlacement, type FrameLayout, type RleFrameInfo } from './frame-layout.js';

const HEADER_LENGTH = 64;
/** A replicate run (2 bytes of input) yields at most 128 bytes (PS3.5 G.3.1). */
const MAX_EXPANSION = 64;

/** Segment [start, end) byte ranges after validating the header (PS3.5 G.5). */
function readSegmentTable(frame: Uint8Array, layout: FrameLayout): Uint32Array {
  if (frame.length < HEADER_LENGTH) {
    throw new RleError(ErrorCode.RLE_HEADER_TRUNCATED, `RLE frame of ${frame.length} bytes is shorter than its 64-byte header`);
  }
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER_LENGTH);
  const count = view.getUint32(0, true);
  if (count < 1 || count > 15) {
    throw new RleError(ErrorCode.RLE_BAD_SEGMENT_COUNT, `RLE header declares ${count} segments (allowed 1..15)`);
  }
  if (count !== layout.segmentCount) {
    throw new RleError(
      ErrorCode.RLE_SEGMENT_COUNT_MISMATCH,
      `RLE header declares ${count} segments, the image needs ${layout.segmentCount} (samples x bytes per sample)`,
    );
  }
  const bounds = new Uint32Array(count * 2);
  const first = view.getUint32(4, true);
  if (first !== HEADER_LENGTH) {
    throw new RleError(ErrorCode.RLE_BAD_FIRST_OFFSET, `first RLE segment offset is ${first}, must be 64`);
  }
  bounds[0] = first;
  for (let i = 1; i < count; i++) {
    const offset = view.getUint32(4 + i * 4, true);
    if (offset <= bounds[(i - 1) * 2] || offset >= frame.length) {
      throw new RleError(ErrorCode.RLE_BAD_SEGMENT_OFFSET, `RLE segment ${i} offset ${offset} is not increasing or outside the ${frame.length}-byte frame`);
    }
    bounds[i * 2] = offset;
    bounds[(i - 1) * 2 + 1] = offset;
  }
  bounds[(count - 1) * 2 + 1] = frame.length;
  // Reject segments too short to ever fill Rows x Columns before allocating anything.
  for (let i = 0; i < count; i++) {
    const available = bounds[i * 2 + 1] - bounds[i * 2];
    if (available * MAX_EXPANSION < layout.segmentLength) {
      throw new RleError(ErrorCode.RLE_SEGMENT_TOO_SHORT, `RLE segment ${i} has ${available} bytes, too few to decode ${layout.segmentLength}`);
    }
  }
  return bounds;
}

/**
 * PackBits-decode src[start, end) into exactly `count` bytes of dst, written at dstStart,
 * dstStart + stride, ... (PS3.5 G.3.2). Writing straight into the interleaved output with a
 * stride avoids a second pass; plain loops beat TypedArray.set/fill here because runs are short
 * (at most 128 bytes) and subarray() would allocate.
 */
function decodeSegment(src: Uint8Array, start: number, end: number, dst: Uint8Array, dstStart: number, stride: number, count: number, segment: number): void {
  let i = start;
  let o = dstStart;
  let remaining = count;
  while (remaining > 0 && i < end) {
    const header = src[i++];
    if (header < 128) {
      // Literal run: header + 1 bytes follow.
      const n = header + 1;
      if (i + n > end) throw new RleError(ErrorCode.RLE_RUN_EXCEEDS_SEGMENT, `literal run of ${n} bytes overruns RLE segment ${segment}`);
      if (n > remaining) throw new RleError(ErrorCode.RLE_RUN_EXCEEDS_OUTPUT, `literal run of ${n} bytes overruns the decoded size of segment ${segment}`);
      // Unrolled by four: noisy low bytes of MR images are mostly long literal runs.
      let k = n;
      while (k >= 4) {
        dst[o] = src[i];
        dst[o + stride] = src[i + 1];
        dst[o + 2 * stride] = src[i + 2];
        dst[o + 3 * stride] = src[i + 3];
        i += 4;
        o += 4 * stride;
        k -= 4;
      }
      while (k > 0) {
        dst[o] = src[i++];
        o += stride;
        k--;
      }
      remaining -= n;
    } else if (header > 128) {
      // Replicate run: the next byte, 257 - header times.
      const n = 257 - header;
      if (i >= end) throw new RleError(ErrorCode.RLE_RUN_EXCEEDS_SEGMENT, `replicate run lacks its byte at the end of RLE segment ${segment}`);
      if (n > remaining) throw new RleError(ErrorCode.RLE_RUN_EXCEEDS_OUTPUT, `replicate run of ${n} bytes overruns the decoded size of segment ${segment}`);
      const value = src[i++];
      for (let k = 0; k < n; k++) {
        dst[o] = value;
        o += stride;
      }
      remaining -= n;
    }
    // header === 128 is a no-op (PS3.5 G.3.2).
  }
  if (remaining > 0) {
    throw new RleError(ErrorCode.RLE_SEGMENT_TOO_SHORT, `RLE segment ${segment} ended after ${count - remaining} of ${count} bytes`);
  }
  // What follows a full segment may only be padding: PS3.5 G.3.1 pads each segment to an even length
  // with a 0x00 byte, and DCMTK (dcmcrle) and GDCM (gdcmconv --rle) emit exactly that. Any other
  // byte is a run that would write past Rows x Columns, so the segment is refused rather than
  // silently cut (a no-op run, 0x80, is not padding either: no real encoder writes one there).
  for (; i < end; i++) {
    if (src[i] !== 0) {
      throw new RleError(ErrorCode.RLE_TRAILING_DATA, `RLE segment ${segment} continues with data at byte ${i - start} after its ${count} bytes are decoded`);
    }
  }
}

/**
 * Decode one RLE Lossless frame into its native little-endian layout (per Planar Configuration).
 * `frame` may be one fragment, or a frame's fragments in order (PS3.5 A.4).
 */
export function decodeRle(frame: Uint8Array | ReadonlyArray<Uint8Array>, info: RleFrameInfo): Uint8Array {
  const layout = frameLayout(info);
  const src = joinFragments(frame);
  const bounds = readSegmentTable(src, layout);
  // Allocated only after the header passed, so a lying header cannot make us allocate.
  const out = new Uint8Array(layout.frameLength);
  decodeSegments(src, bounds, layout, out);
  return out;
}

/** decodeRle() into a caller's buffer of exactly the decoded frame size. */
export function decodeRleInto(frame: Uint8Array | ReadonlyArray<Uint8Array>, info: RleFrameInfo, target: Uint8Array): void {
  const layout = frameLayout(info);
  if (target.length !== layout.frameLength) {
    throw new RleError(ErrorCode.RLE_OUTPUT_SIZE_MISMATCH, `target has ${target.length} bytes, the decoded frame has ${layout.frameLength}`);
  }
  const src = joinFragments(frame);
  decodeSegments(src, readSegmentTable(src, layout), layout, target);
}

function decodeSegments(src: Uint8Array, bounds: Uint32Array, layout: FrameLayout, out: Uint8Array): void {
  for (let s = 0; s < layout.segmentCount; s++) {
    const { start, stride } = segmentPlacement(layout, s);
    decodeSegment(src, bounds[2 * s], bounds[2 * s + 1], out, start, stride, layout.segmentLength, s);
  }
}

export function joinFragments(frame: Uint8Array | ReadonlyArray<Uint8Array>): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (frame.length === 1) return frame[0];
  let length = 0;
  for (const fragment of frame) length += fragment.length;
  const joined = new Uint8Array(length);
  let pos = 0;
  for (const fragment of frame) {
    joined.set(fragment, pos);
    pos += fragment.length;
  }
  return joined;
}
