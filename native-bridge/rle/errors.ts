import { LarmorError } from '../../protocol/errors.js';
import { RleErrorCode } from '../../protocol/rle-errors.js';

/** An RLE codec failure with a stable LARMOR_E_RLE_... code, thrown alike by both implementations. */
export class RleError extends LarmorError {
  constructor(code: RleErrorCode, message: string) {
    super(code, message);
    this.name = 'RleError';
  }
}

export { RleErrorCode };
