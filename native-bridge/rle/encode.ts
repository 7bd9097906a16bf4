/**
 * RLE Lossless encoder (PS3.5 Annex G.3.1), pure TypeScript; byte-identical to
 * native-bridge/src/rle_encode.cc. Each row of each segment is PackBits-encoded on its own
 * ("each row of the image shall be encoded separately and not cross a row boundary", G.3.1);
 * runs of 3 or more equal bytes become replicate runs, everything else literal runs of up to 128
 * bytes; each segment is padded to even length with a zero byte.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { RleError } from './errors.js';
import { frameLayout, segmentPlacement, type RleFrameInfo } from './frame-layout.js';

const HEADER_LENGTH = 64;
/** Shortest run worth a replicate packet: 2 bytes for 3+ bytes of output (what DCMTK does). */
const MIN_REPLICATE = 3;
const MAX_RUN = 128;

/** PackBits one row; returns the new write position in `out`. */
function packRow(row: Uint8Array, length: number, out: Uint8Array, pos: number): number {
  let i = 0;
  let literalStart = 0;
  while (i < length) {
    const value = row[i];
    let run = 1;
    while (i + run < length && run < MAX_RUN && row[i + run] === value) run++;
    if (run >= MIN_REPLICATE) {
      pos = flushLiteral(row, literalStart, i, out, pos);
      out[pos++] = 257 - run; // -(run - 1) as a byte
      out[pos++] = value;
      i += run;
      literalStart = i;
    } else {
      i += run;
    }
  }
  return flushLiteral(row, literalStart, length, out, pos);
}

/** Literal packets of at most 128 bytes for row[start, end). */
function flushLiteral(row: Uint8Array, start: number, end: number, out: Uint8Array, pos: number): number {
  while (start < end) {
    const n = Math.min(MAX_RUN, end - start);
    out[pos++] = n - 1;
    for (let k = 0; k < n; k++) out[pos + k] = row[start + k];
    pos += n;
    start += n;
  }
  return pos;
}

/**
 * Encode one native little-endian frame (layout per Planar Configuration) as an RLE Lossless
 * frame: 64-byte header plus segments (PS3.5 G.4, G.5).
 */
export function encodeRle(pixels: Uint8Array, info: RleFrameInfo): Uint8Array {
  const layout = frameLayout(info);
  if (pixels.length !== layout.frameLength) {
    throw new RleError(ErrorCode.RLE_INPUT_SIZE_MISMATCH, `pixel buffer has ${pixels.length} bytes, the frame needs ${layout.frameLength}`);
  }
  const { segmentCount, segmentLength } = layout;
  // 1-bit data has no byte rows; its packed stream is encoded as one "row".
  const rowLength = info.bitsAllocated === 1 ? segmentLength : info.columns;
  const rows = segmentLength / rowLength;
  const worstSegment = segmentLength + rows * Math.ceil(rowLength / MAX_RUN) + 1;
  const out = new Uint8Array(HEADER_LENGTH + segmentCount * worstSegment);
  const header = new DataView(out.buffer, 0, HEADER_LENGTH);
  header.setUint32(0, segmentCount, true);
  const row = new Uint8Array(rowLength);
  let pos = HEADER_LENGTH;
  for (let s = 0; s < segmentCount; s++) {
    header.setUint32(4 + 4 * s, pos, true);
    const { start, stride } = segmentPlacement(layout, s);
    for (let r = 0; r < rows; r++) {
      let source = start + r * rowLength * stride;
      if (stride === 1) {
        row.set(pixels.subarray(source, source + rowLength));
      } else {
        for (let c = 0; c < rowLength; c++, source += stride) row[c] = pixels[source];
      }
      pos = packRow(row, rowLength, out, pos);
    }
    if ((pos - HEADER_LENGTH) % 2 === 1) out[pos++] = 0; // PS3.5 G.3.1: segments have even length
  }
  return out.slice(0, pos);
}
