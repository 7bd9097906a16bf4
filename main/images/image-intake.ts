import { codeOf, decodeImageFrame, type ImageFrameHeader } from '../../protocol/index.js';
import { DEFAULT_IMAGE_LIMITS, imageCodecs as defaultCodecs, type ImageCodecs, type ImageLimits } from '../../native-bridge/index.js';
import type { ImageDecodeResult, WorkstationCore } from '../core/workstation-core.js';
import { createDecodePool, type DecodePool } from './decode-pool.js';
import { toPreviewImages } from '../../native-bridge/preview-image.js';

/** What one image frame from the gateway becomes: its number and preview images, or a coded refusal. */
export type IntakeResult = ImageDecodeResult;

export interface IntakeOptions {
  codecs?: ImageCodecs;
  /** Decoded-size caps checked before any pixel is decoded or allocated. */
  limits?: ImageLimits;
}

/**
 * Binary frame from the gateway -> preview images for the renderer, or a refusal with its code.
 * Pure: it neither sequences (the core decides whether a number is new) nor records nor emits.
 */
export function intakeImageFrame(frame: Uint8Array, options: IntakeOptions = {}): IntakeResult {
  let header: ImageFrameHeader;
  let part10: Uint8Array;
  try {
    ({ header, part10 } = decodeImageFrame(frame));
  } catch (err) {
    return { ok: false, seq: null, code: codeOf(err), message: (err as Error).message };
  }
  try {
    const images = toPreviewImages(
      { part10, gatewayAt: header.at, imagesInSeries: header.imagesInSeries },
      options.codecs ?? defaultCodecs,
      options.limits ?? DEFAULT_IMAGE_LIMITS,
    );
    // A fetched image (image.fetch) says so on every preview: the renderer never takes it for a live arrival.
    return { ok: true, seq: header.seq, header, part10, images: header.fetched ? images.map((image) => ({ ...image, fetched: true })) : images };
  } catch (err) {
    return { ok: false, seq: header.seq, code: codeOf(err), message: (err as Error).message };
  }
}

/**
 * Install the intake as the core's image decoder: on worker threads when `workers` > 0 (see
 * decode-pool.ts), so a large image never delays heartbeats; else on this thread.
 */
export function attachImageIntake(core: WorkstationCore, options: IntakeOptions & { workers?: number } = {}): DecodePool | null {
  if (options.workers !== undefined && options.workers > 0) {
    const pool = createDecodePool({ size: options.workers, limits: options.limits });
    core.setImageDecoder((frame) => pool.decode(frame));
    return pool;
  }
  core.setImageDecoder((frame) => intakeImageFrame(frame, options));
  return null;
}
