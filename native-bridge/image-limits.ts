/**
 * Size limits checked from an image's attributes before a byte of it is decoded or allocated:
 * Rows x Columns x Samples x bytes per sample x Number of Frames (PS3.3 C.7.6.3) against caps the
 * gateway and the workstation are configured with. A file that declares 32000 x 32000 pixels is
 * refused here, in microseconds, instead of costing a gigabyte and seconds of decoding.
 */
import { ErrorCode, LarmorError } from '../protocol/errors.js';
import { nativeFrameLength, type ImageInfo } from './dicom/image.js';

export interface ImageLimits {
  /** Largest decoded frame, in bytes. */
  maxFrameBytes: number;
  /** Largest decoded object (all frames), in bytes. */
  maxObjectBytes: number;
}

/**
 * Defaults: a 4096 x 4096 16-bit frame (32 MiB) and 512 MiB per object, i.e. a 2048 x 2048
 * 16-bit image or a 300-frame 512 x 512 enhanced MR pass with room to spare.
 */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxFrameBytes: 4096 * 4096 * 2, maxObjectBytes: 512 * 1024 * 1024 };

/** Throws LARMOR_E_IMAGE_TOO_LARGE when the declared geometry exceeds a limit. */
export function checkImageLimits(info: ImageInfo, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): void {
  const frameBytes = nativeFrameLength(info);
  const objectBytes = frameBytes * info.numberOfFrames;
  const geometry = `${info.columns} x ${info.rows} x ${info.samplesPerPixel} sample(s) x ${info.bitsAllocated} bits x ${info.numberOfFrames} frame(s)`;
  if (frameBytes > limits.maxFrameBytes) {
    throw new LarmorError(ErrorCode.IMAGE_TOO_LARGE, `${geometry}: a frame of ${frameBytes} bytes exceeds the ${limits.maxFrameBytes}-byte limit`);
  }
  if (objectBytes > limits.maxObjectBytes) {
    throw new LarmorError(ErrorCode.IMAGE_TOO_LARGE, `${geometry}: ${objectBytes} bytes decoded exceed the ${limits.maxObjectBytes}-byte limit`);
  }
}
