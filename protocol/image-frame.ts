import { z } from 'zod';
import { ErrorCode, LarmorError } from './errors.js';

/**
 * Binary WebSocket frame carrying one image (docs/architecture.md "Wire protocol"):
 *
 *   u32 little-endian  header length H
 *   H bytes            header, JSON in UTF-8 (ImageFrameHeader)
 *   rest               the DICOM Part 10 file (PS3.10), in the transfer syntax the header names
 *
 * Images share the event numbering with JSON events so that a resumed link misses none.
 */
export const ImageFrameHeader = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  source: z.enum(['simulator', 'c-store']),
  transferSyntaxUid: z.string(),
  sopInstanceUid: z.string(),
  seriesUid: z.string(),
  /** Images the acquisition will produce in this series, when known. */
  imagesInSeries: z.number().int().positive().nullable(),
});
export type ImageFrameHeader = z.infer<typeof ImageFrameHeader>;

const MAX_HEADER_BYTES = 64 * 1024;

export function encodeImageFrame(header: ImageFrameHeader, part10: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + json.length + part10.length);
  new DataView(frame.buffer).setUint32(0, json.length, true);
  frame.set(json, 4);
  frame.set(part10, 4 + json.length);
  return frame;
}

export interface DecodedImageFrame {
  header: ImageFrameHeader;
  /** A view into the frame: no copy. */
  part10: Uint8Array;
}

export function decodeImageFrame(frame: Uint8Array): DecodedImageFrame {
  if (frame.length < 4) throw new LarmorError(ErrorCode.INVALID_MESSAGE, 'image frame shorter than its length prefix');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES || 4 + headerLength > frame.length) {
    throw new LarmorError(ErrorCode.INVALID_MESSAGE, `image frame header length ${headerLength} does not fit the frame`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + headerLength)));
  } catch {
    throw new LarmorError(ErrorCode.MALFORMED_JSON, 'image frame header is not valid JSON');
  }
  const parsed = ImageFrameHeader.safeParse(raw);
  if (!parsed.success) throw new LarmorError(ErrorCode.INVALID_MESSAGE, 'image frame header does not match the schema');
  return { header: parsed.data, part10: frame.subarray(4 + headerLength) };
}
