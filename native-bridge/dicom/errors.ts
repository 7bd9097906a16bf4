import { LarmorError, type ErrorCode } from '../../protocol/errors.js';

/** A Part 10 read/write failure with a stable LARMOR_E_DICOM_... code. */
export class DicomError extends LarmorError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'DicomError';
  }
}
