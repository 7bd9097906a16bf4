/**
 * The only globals protocol/ relies on, present in every environment it runs in (Node >= 11,
 * browsers, Electron). Declared here because this layer deliberately has neither DOM nor Node
 * types.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
