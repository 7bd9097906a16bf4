/** The one API both RLE implementations offer (native addon and TypeScript fallback). */
import type { RleFrameInfo } from './frame-layout.js';

export interface RleCodec {
  readonly implementation: 'native' | 'typescript';
  /**
   * Decode one RLE Lossless frame (one fragment, or the frame's fragments in order) into native
   * little-endian pixel bytes laid out per Planar Configuration. Throws RleError.
   */
  decode(frame: Uint8Array | ReadonlyArray<Uint8Array>, info: RleFrameInfo): Uint8Array;
  /**
   * Like decode(), into `target`, whose length must equal the decoded frame size. Lets a caller
   * reuse one buffer for many frames (no fresh pages to fault in). On error `target` may be
   * partly written.
   */
  decodeInto(frame: Uint8Array | ReadonlyArray<Uint8Array>, info: RleFrameInfo, target: Uint8Array): void;
  /** Encode one native little-endian frame (layout per Planar Configuration). Throws RleError. */
  encode(pixels: Uint8Array, info: RleFrameInfo): Uint8Array;
}
