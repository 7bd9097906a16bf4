/**
 * Stable error codes of the imaging path: the simulator's image builder (LARMOR_E_IMAGE_...)
 * and the gateway's DICOM C-STORE receiver (LARMOR_E_DICOM_...). Re-exported by protocol/index.ts.
 */
export const ImageErrorCode = {
  /** The sequence cannot be imaged (e.g. inversion recovery without TI, matrix out of range). */
  INVALID_SEQUENCE: 'LARMOR_E_IMAGE_INVALID_SEQUENCE',
  /** renderSlice() asked for an index outside 0..imagesInSeries-1. */
  SLICE_OUT_OF_RANGE: 'LARMOR_E_IMAGE_SLICE_OUT_OF_RANGE',
  /** The received data set could not be parsed (truncated, corrupt, wrong transfer syntax). */
  DICOM_UNREADABLE: 'LARMOR_E_DICOM_UNREADABLE',
  /** The received object is not an image (no Pixel Data, or a non-image SOP class). */
  DICOM_NOT_AN_IMAGE: 'LARMOR_E_DICOM_NOT_AN_IMAGE',
  /** The C-STORE command and the data set disagree (SOP Class / SOP Instance UID). */
  DICOM_UID_MISMATCH: 'LARMOR_E_DICOM_UID_MISMATCH',
  /** A UID in the data set is not a valid UID (PS3.5 9.1): empty, too long, bad characters. */
  DICOM_INVALID_UID: 'LARMOR_E_DICOM_INVALID_UID',
  /** The object exceeds the receiver's size limit. */
  DICOM_TOO_LARGE: 'LARMOR_E_DICOM_TOO_LARGE',
  /** The receiver's onImage handler threw; the peer is told the store failed. */
  DICOM_HANDLER_FAILED: 'LARMOR_E_DICOM_HANDLER_FAILED',
  /** The image's declared geometry (rows x columns x frames x bytes) exceeds a configured limit. */
  IMAGE_TOO_LARGE: 'LARMOR_E_IMAGE_TOO_LARGE',
} as const;

export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];
