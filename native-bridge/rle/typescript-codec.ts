import type { RleCodec } from './codec.js';
import { decodeRle, decodeRleInto } from './decode.js';
import { encodeRle } from './encode.js';

/** The pure TypeScript implementation: always available, also in a browser. */
export const typescriptRle: RleCodec = Object.freeze({
  implementation: 'typescript' as const,
  decode: decodeRle,
  decodeInto: decodeRleInto,
  encode: encodeRle,
});
