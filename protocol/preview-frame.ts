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
 * Largest slice of pixel bytes one bridge message carries. A page takes each WebSocket message in
 * on its main thread, in one task: a 4096x4096 16-bit image is 32 MiB, which held the page for
 * about a second, and the technologist's Stop button with it (the same cost that made the
 * gateway's image chunks 256 KiB, protocol/image-frame.ts IMAGE_CHUNK_BYTES). A 256x256 MR image
 * still travels in one message; a 512x512 one in two.
 */
export const PREVIEW_CHUNK_BYTES = 256 * 1024;

/** The last four bytes of a message that carries only part of an image's pixels. */
const PART_MARK = 0xffffffff;
/**
 * The most pixel bytes a part may announce before the page makes room for them: far above any
 * frame the workstation's decoder lets through (32 MiB by default, a setting), a bound on what
 * one message can make the page allocate.
 */
const MAX_PREVIEW_BYTES = 1024 * 1024 * 1024;

/**
 * One image as the bridge messages that carry it, each as the fragments a sender writes back to
 * back as one message (RFC 6455 section 5.4), none of them a copy of the pixels. An image of at
 * most `chunkBytes` of pixels is one frame as encodePreviewFrame makes it. A larger one is sent
 * as parts: each part a slice of the pixels followed by the pixels' total byte length (u32 LE)
 * and PART_MARK; then the last slice with the trailer, a frame whose pixels are the last slice.
 * No metadata can be PART_MARK bytes long, so a receiver tells the two apart by the last four
 * bytes (PreviewFrameAssembler).
 */
export function previewFrameMessages(image: PreviewImage, chunkBytes = PREVIEW_CHUNK_BYTES): Uint8Array[][] {
  const { pixels, trailer } = previewFrameParts(image);
  if (pixels.length <= chunkBytes) return [[pixels, trailer]];
  const messages: Uint8Array[][] = [];
  let at = 0;
  for (; pixels.length - at > chunkBytes; at += chunkBytes) {
    const mark = new Uint8Array(8);
    const view = new DataView(mark.buffer);
    view.setUint32(0, pixels.length, true);
    view.setUint32(4, PART_MARK, true);
    messages.push([pixels.subarray(at, at + chunkBytes), mark]);
  }
  messages.push([pixels.subarray(at), trailer]);
  return messages;
}

/**
 * A page's side of previewFrameMessages: each message as it came, an image back once whole. An
 * image that came in one message keeps that message's buffer as its pixels (decodePreviewFrame's
 * shareBuffer); one that came in parts is put together in a buffer of its own, made at its first
 * part. Parts that do not add up are a PreviewFrameError, and what was gathered is dropped.
 */
export class PreviewFrameAssembler {
  private pending: { pixels: Uint8Array; received: number } | null = null;

  add(message: ArrayBuffer): PreviewImage | null {
    if (message.byteLength >= 8 && new DataView(message).getUint32(message.byteLength - 4, true) === PART_MARK) {
      const total = new DataView(message).getUint32(message.byteLength - 8, true);
      const slice = new Uint8Array(message, 0, message.byteLength - 8);
      if (this.pending === null) {
        if (total > MAX_PREVIEW_BYTES) throw new PreviewFrameError(`preview image of ${total} bytes exceeds the ${MAX_PREVIEW_BYTES}-byte limit`);
        this.pending = { pixels: new Uint8Array(total), received: 0 };
      }
      const pending = this.pending;
      if (pending.pixels.length !== total || pending.received + slice.length >= total) {
        this.pending = null;
        throw new PreviewFrameError(`preview image part of ${slice.length} bytes does not fit ${total} bytes, ${pending.received} received`);
      }
      pending.pixels.set(slice, pending.received);
      pending.received += slice.length;
      return null;
    }
    const pending = this.pending;
    this.pending = null;
    if (pending === null) return decodePreviewFrame(message, { shareBuffer: true });
    const last = decodePreviewFrame(message, { shareBuffer: true });
    const lastBytes = message.byteLength - 4 - new DataView(message).getUint32(message.byteLength - 4, true);
    if (pending.received + lastBytes !== pending.pixels.length) {
      throw new PreviewFrameError(`preview image of ${pending.pixels.length} bytes ended after ${pending.received + lastBytes}`);
    }
    pending.pixels.set(new Uint8Array(message, 0, lastBytes), pending.received);
    return { ...last, pixels: pending.pixels.buffer as ArrayBuffer };
  }
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
