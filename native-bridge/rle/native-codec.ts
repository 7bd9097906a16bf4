/**
 * The N-API addon behind the RleCodec interface. Frame attributes are validated by the shared
 * TypeScript layout code first, so both implementations reject bad attributes identically; the
 * addon's own errors (objects with a `code`) are rethrown as RleError.
 */
import type { RleCodec } from './codec.js';
import { joinFragments } from './decode.js';
import { codeOf, ErrorCode } from '../../protocol/errors.js';
import { RleError } from './errors.js';
import { frameLayout, type RleFrameInfo } from './frame-layout.js';

/** What build/Release/larmor_rle.node exports (native-bridge/src/addon.cc). */
export interface RleAddon {
  decode(frame: Uint8Array, rows: number, columns: number, samples: number, bits: number, planar: number): Uint8Array;
  decodeInto(frame: Uint8Array, rows: number, columns: number, samples: number, bits: number, planar: number, target: Uint8Array): void;
  encode(pixels: Uint8Array, rows: number, columns: number, samples: number, bits: number, planar: number): Uint8Array;
}

function rethrow(error: unknown): never {
  const code = codeOf(error, ErrorCode.INTERNAL);
  if (code !== ErrorCode.INTERNAL) throw new RleError(code, (error as Error).message);
  throw error;
}

/** A plain Uint8Array view of the addon's Buffer, so both implementations return the same type. */
function asUint8Array(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function wrapAddon(addon: RleAddon): RleCodec {
  return Object.freeze({
    implementation: 'native' as const,
    decode(frame: Uint8Array | ReadonlyArray<Uint8Array>, info: RleFrameInfo): Uint8Array {
      frameLayout(info);
      try {
        return asUint8Array(
          addon.decode(joinFragments(frame), info.rows, info.columns, info.samplesPerPixel, info.bitsAllocated, info.planarConfiguration ?? 0),
        );
      } catch (error) {
        rethrow(error);
      }
    },
    decodeInto(frame: Uint8Array | ReadonlyArray<Uint8Array>, info: RleFrameInfo, target: Uint8Array): void {
      const layout = frameLayout(info);
      if (target.length !== layout.frameLength) {
        throw new RleError(ErrorCode.RLE_OUTPUT_SIZE_MISMATCH, `target has ${target.length} bytes, the decoded frame has ${layout.frameLength}`);
      }
      try {
        addon.decodeInto(joinFragments(frame), info.rows, info.columns, info.samplesPerPixel, info.bitsAllocated, info.planarConfiguration ?? 0, target);
      } catch (error) {
        rethrow(error);
      }
    },
    encode(pixels: Uint8Array, info: RleFrameInfo): Uint8Array {
      frameLayout(info);
      try {
        return asUint8Array(addon.encode(pixels, info.rows, info.columns, info.samplesPerPixel, info.bitsAllocated, info.planarConfiguration ?? 0));
      } catch (error) {
        rethrow(error);
      }
    },
  });
}
