import type { PreviewImage } from './api.js';
import type { ErrorCode } from './errors.js';

/**
 * A decoded preview image on the browser-shell bridge: the pixel bytes, then the JSON metadata,
 * then the metadata's byte length as a little-endian u32 (the frame's last four bytes). No
 * base64, no JSON arrays of numbers.
 *
 * The pixels come first so that they start at offset 0 of the ArrayBuffer the page's WebSocket
 * hands over: the page views them as 16-bit samples in place instead of copying half a megabyte
 * per 512 x 512 image (see decodePreviewFrame's shareBuffer).
 */
export function encodePreviewFrame(image: PreviewImage): Uint8Array {
  const { pixels, trailer } = previewFrameParts(image);
  const frame = new Uint8Array(pixels.length + trailer.length);
  frame.set(pixels, 0);
  frame.set(trailer, pixels.length);
  return frame;
}

/**
 * The same frame as its two parts, for a sender that can send them back to back as one message
 * (two WebSocket fragments, RFC 6455 section 5.4): the image's own pixel bytes, not copied, then
 * the trailer (metadata and its length).
 */
export function previewFrameParts(image: PreviewImage): { pixels: Uint8Array; trailer: Uint8Array } {
  const { pixels, ...meta } = image;
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const trailer = new Uint8Array(json.length + 4);
  trailer.set(json, 0);
  new DataView(trailer.buffer).setUint32(json.length, json.length, true);
  return { pixels: new Uint8Array(pixels), trailer };
}

/**
 * A frame too short for what it declares. The code is written out, type-checked against
 * protocol/errors.ts, rather than imported: the page shim must stay one self-contained script.
 */
export class PreviewFrameError extends Error {
  readonly code: (typeof ErrorCode)['IPC_INVALID_PAYLOAD'] = 'LARMOR_E_IPC_INVALID_PAYLOAD';
}

export interface DecodePreviewFrameOptions {
  /**
   * Hand back the frame's own buffer as `pixels` instead of a copy of the pixel bytes. The pixel
   * bytes are its first rows x columns x bitsAllocated/8 bytes; the metadata trails them. Only
   * for a receiver that owns the frame (a WebSocket message) and reads samples from offset 0.
   */
  shareBuffer?: boolean;
}

export function decodePreviewFrame(frame: ArrayBuffer, options: DecodePreviewFrameOptions = {}): PreviewImage {
  if (frame.byteLength < 4) throw new PreviewFrameError(`preview frame of ${frame.byteLength} bytes has no metadata length`);
  const jsonLength = new DataView(frame).getUint32(frame.byteLength - 4, true);
  const pixelBytes = frame.byteLength - 4 - jsonLength;
  if (pixelBytes < 0) throw new PreviewFrameError(`preview frame of ${frame.byteLength} bytes cannot hold ${jsonLength} bytes of metadata`);
  const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(frame, pixelBytes, jsonLength))) as Omit<PreviewImage, 'pixels'>;
  return { ...meta, pixels: options.shareBuffer ? frame : frame.slice(0, pixelBytes) };
}
