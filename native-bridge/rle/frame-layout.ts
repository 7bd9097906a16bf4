/**
 * Geometry of one RLE Lossless frame (PS3.5 Annex G.2), computed and validated once and shared by
 * the decoder and the encoder. Sizes come from the dataset (Rows, Columns, ...), never from the
 * compressed stream.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { RleError } from './errors.js';

export interface RleFrameInfo {
  rows: number;
  columns: number;
  /** 1 (monochrome) or 3 (colour). */
  samplesPerPixel: number;
  /** 8, 16 or 32; 1 for packed bitmaps (segmentation), which take one segment of packed bytes. */
  bitsAllocated: number;
  /**
   * Layout of the decoded (native) frame: 0 = colour-by-pixel RGBRGB..., 1 = colour-by-plane
   * RR..GG..BB.. (PS3.3 C.7.6.3.1.3). RLE segments are always per plane (PS3.5 G.2).
   * Default 0; ignored when samplesPerPixel is 1.
   */
  planarConfiguration?: number;
}

export interface FrameLayout {
  samples: number;
  bytesPerSample: number;
  planar: boolean;
  /** Pixels per frame (Rows x Columns). */
  pixels: number;
  /** Decoded bytes in each segment. */
  segmentLength: number;
  segmentCount: number;
  /** Decoded frame size in bytes (little-endian native layout). */
  frameLength: number;
}

/** Largest decoded frame either implementation accepts (fits a signed 32-bit size). */
const MAX_FRAME_LENGTH = 0x7fffffff;

function isUint16(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 0xffff;
}

export function frameLayout(info: RleFrameInfo): FrameLayout {
  const { rows, columns, samplesPerPixel, bitsAllocated } = info;
  const planarConfiguration = info.planarConfiguration ?? 0;
  if (!isUint16(rows) || !isUint16(columns)) {
    throw new RleError(ErrorCode.RLE_INVALID_FRAME_INFO, `Rows ${rows} and Columns ${columns} must be integers in 1..65535`);
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw new RleError(ErrorCode.RLE_INVALID_FRAME_INFO, `Samples per Pixel ${samplesPerPixel} is not 1 or 3`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32 && !(bitsAllocated === 1 && samplesPerPixel === 1)) {
    throw new RleError(ErrorCode.RLE_INVALID_FRAME_INFO, `Bits Allocated ${bitsAllocated} is not 8, 16 or 32 (or 1 for one sample)`);
  }
  if (planarConfiguration !== 0 && planarConfiguration !== 1) {
    throw new RleError(ErrorCode.RLE_INVALID_FRAME_INFO, `Planar Configuration ${planarConfiguration} is not 0 or 1`);
  }
  const pixels = rows * columns;
  const bytesPerSample = bitsAllocated === 1 ? 1 : bitsAllocated / 8;
  // 1-bit data is packed 8 pixels per byte (PS3.5 8.1.1) into a single segment.
  const segmentLength = bitsAllocated === 1 ? Math.ceil(pixels / 8) : pixels;
  const segmentCount = samplesPerPixel * bytesPerSample;
  const frameLength = segmentLength * segmentCount;
  if (frameLength > MAX_FRAME_LENGTH) {
    throw new RleError(ErrorCode.RLE_FRAME_TOO_LARGE, `a decoded frame of ${frameLength} bytes exceeds ${MAX_FRAME_LENGTH}`);
  }
  return {
    samples: samplesPerPixel,
    bytesPerSample,
    planar: planarConfiguration === 1,
    pixels,
    segmentLength,
    segmentCount,
    frameLength,
  };
}

/**
 * Where segment `segment` lands in the native frame: byte offset of its first byte and the
 * distance between consecutive bytes. Segments run sample by sample, most significant byte first
 * (PS3.5 G.2); the native frame is little-endian.
 */
export function segmentPlacement(layout: FrameLayout, segment: number): { start: number; stride: number } {
  const { samples, bytesPerSample, planar, pixels } = layout;
  const sample = Math.floor(segment / bytesPerSample);
  const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
  if (planar) return { start: sample * pixels * bytesPerSample + byteInSample, stride: bytesPerSample };
  return { start: sample * bytesPerSample + byteInSample, stride: samples * bytesPerSample };
}
