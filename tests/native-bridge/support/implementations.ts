/**
 * Both RLE implementations for describe.each. The native addon must be built (npm install runs
 * native-bridge/scripts/build-addon.js); with LARMOR_NO_NATIVE=1 only the fallback is tested.
 */
import { loadNativeRle, nativeLoadFailure, typescriptRle, type RleCodec } from '../../../native-bridge/index.js';

export const nativeRequired = process.env.LARMOR_NO_NATIVE !== '1';
const native = nativeRequired ? loadNativeRle() : undefined;

export const implementations: Array<[string, RleCodec]> = [['typescript', typescriptRle]];
if (native !== undefined) implementations.push(['native', native]);

export const nativeCodec = native;
export const nativeFailure = nativeRequired ? nativeLoadFailure() : undefined;
