import { LarmorError, type ErrorCode } from '../../protocol/errors.js';

/** An RLE codec failure with a stable LARMOR_E_RLE_... code, thrown alike by both implementations. */
export class RleError extends LarmorError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'RleError';
  }
}
