import { LarmorError } from '../../protocol/errors.js';
import { DicomErrorCode } from '../../protocol/rle-errors.js';

/** A Part 10 read/write failure with a stable LARMOR_E_DICOM_... code. */
export class DicomError extends LarmorError {
  constructor(code: DicomErrorCode, message: string) {
    super(code, message);
    this.name = 'DicomError';
  }
}

export { DicomErrorCode };
