/**
 * native-bridge: the DICOM RLE Lossless codec (PS3.5 Annex G) and Part 10 helpers, shared by the
 * gateway and the workstation.
 *
 *   import { rle } from '../native-bridge/index.js';
 *   rle.implementation            // 'native' (N-API addon) or 'typescript' (fallback)
 *   rle.decode(frame, { rows, columns, samplesPerPixel, bitsAllocated, planarConfiguration })
 *   rle.decodeInto(frame, info, target)   // into a reused buffer of exactly the frame size
 *   rle.encode(pixels, info)
 *
 * Like ws/bufferutil: the addon (native-bridge/build/Release/larmor_rle.node, built at install by
 * scripts/build-addon.js) is loaded in a try/catch; when it is missing or fails to load, or
 * LARMOR_NO_NATIVE=1, the TypeScript implementation with identical results and error codes is
 * used. `typescriptRle` and `loadNativeRle()` give each implementation explicitly (tests, bench).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RleCodec } from './rle/codec.js';
import { wrapAddon, type RleAddon } from './rle/native-codec.js';
import { typescriptRle } from './rle/typescript-codec.js';
import { createImageCodecs } from './image-codecs.js';

export type { RleCodec } from './rle/codec.js';
export type { RleFrameInfo } from './rle/frame-layout.js';
export { RleError } from './rle/errors.js';
export { typescriptRle } from './rle/typescript-codec.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Source tree (tsx, tests) and compiled tree (dist/native-bridge) both find the one build. */
const ADDON_CANDIDATES = [resolve(here, 'build/Release/larmor_rle.node'), resolve(here, '../../native-bridge/build/Release/larmor_rle.node')];

/** Load an addon file as an RleCodec; never throws (a failure is returned as text). */
export function loadAddonFrom(path: string): { codec?: RleCodec; error?: string } {
  if (!existsSync(path)) return { error: `addon not built (${path} missing)` };
  try {
    const addon = createRequire(import.meta.url)(path) as RleAddon;
    if (typeof addon.decode !== 'function' || typeof addon.decodeInto !== 'function' || typeof addon.encode !== 'function') {
      return { error: `${path} lacks decode/decodeInto/encode` };
    }
    return { codec: wrapAddon(addon) };
  } catch (error) {
    return { error: `addon failed to load: ${(error as Error).message}` };
  }
}

let nativeLoad: { codec?: RleCodec; error?: string } | undefined;

/** The native addon as an RleCodec, or undefined (see `nativeLoadFailure()` for why). Ignores LARMOR_NO_NATIVE. */
export function loadNativeRle(): RleCodec | undefined {
  nativeLoad ??= loadAddonFrom(ADDON_CANDIDATES.find((candidate) => existsSync(candidate)) ?? ADDON_CANDIDATES[0]);
  return nativeLoad.codec;
}

/** Why the native addon is not in use, or undefined when it is. */
export function nativeLoadFailure(): string | undefined {
  if (process.env.LARMOR_NO_NATIVE === '1') return 'LARMOR_NO_NATIVE=1';
  loadNativeRle();
  return nativeLoad?.error;
}

/** The selection rule: the fallback when forced by LARMOR_NO_NATIVE=1 or when the addon is unavailable. */
export function selectRle(env: Record<string, string | undefined>, loadNative: () => RleCodec | undefined): RleCodec {
  if (env.LARMOR_NO_NATIVE === '1') return typescriptRle;
  return loadNative() ?? typescriptRle;
}

/** The codec in use: native when the addon loads, else the TypeScript fallback. */
export const rle: RleCodec = selectRle(process.env, loadNativeRle);

export { decodeFrames, streamDecodedPixelData, toRleLossless } from './pixel-data.js';
export { requirePixelData, type ImageCodecs } from './image-codecs.js';
export { checkImageLimits, DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image-limits.js';

/** The image codec registry over the RLE codec in use. */
export const imageCodecs = createImageCodecs(rle);
