import type { PreviewImage } from './api.js';

/**
 * A decoded preview image on the browser-shell bridge: u32 little-endian length of the JSON
 * metadata, the metadata, then the pixel bytes. No base64, no JSON arrays of numbers.
 */
export function encodePreviewFrame(image: PreviewImage): Uint8Array {
  const { pixels, ...meta } = image;
  const json = new TextEncoder().encode(JSON.stringify(meta));
  // Pixels start on an 8-byte boundary so the receiver can view them as 16-bit samples in place.
  const pixelOffset = Math.ceil((4 + json.length) / 8) * 8;
  const frame = new Uint8Array(pixelOffset + pixels.byteLength);
  new DataView(frame.buffer).setUint32(0, json.length, true);
  frame.set(json, 4);
  frame.set(new Uint8Array(pixels), pixelOffset);
  return frame;
}

export function decodePreviewFrame(frame: ArrayBuffer): PreviewImage {
  const jsonLength = new DataView(frame).getUint32(0, true);
  const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(frame, 4, jsonLength))) as Omit<PreviewImage, 'pixels'>;
  const pixelOffset = Math.ceil((4 + jsonLength) / 8) * 8;
  return { ...meta, pixels: frame.slice(pixelOffset) };
}
