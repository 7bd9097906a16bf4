/**
 * Stable error codes of the native-bridge codec and Part 10 helpers (issue 3). Environment-free,
 * like the rest of protocol/. The RLE codes are thrown identically by the native addon and the
 * TypeScript fallback; tests key on them.
 */
export const RleErrorCode = {
  /** Rows, Columns, Samples per Pixel or Bits Allocated outside what RLE Lossless supports. */
  INVALID_FRAME_INFO: 'LARMOR_E_RLE_INVALID_FRAME_INFO',
  /** The decoded frame would exceed the codec's size limit (2^31 - 1 bytes). */
  FRAME_TOO_LARGE: 'LARMOR_E_RLE_FRAME_TOO_LARGE',
  /** The fragment is shorter than the 64-byte RLE header (PS3.5 G.5). */
  HEADER_TRUNCATED: 'LARMOR_E_RLE_HEADER_TRUNCATED',
  /** Number of segments is not in 1..15 (PS3.5 G.5). */
  BAD_SEGMENT_COUNT: 'LARMOR_E_RLE_BAD_SEGMENT_COUNT',
  /** Number of segments differs from Samples per Pixel x bytes per sample (PS3.5 G.2). */
  SEGMENT_COUNT_MISMATCH: 'LARMOR_E_RLE_SEGMENT_COUNT_MISMATCH',
  /** The first segment offset is not 64 (PS3.5 G.5). */
  BAD_FIRST_OFFSET: 'LARMOR_E_RLE_BAD_FIRST_OFFSET',
  /** A segment offset does not increase or points outside the fragment. */
  BAD_SEGMENT_OFFSET: 'LARMOR_E_RLE_BAD_SEGMENT_OFFSET',
  /** A run header asks for more bytes than are left in its segment. */
  RUN_EXCEEDS_SEGMENT: 'LARMOR_E_RLE_RUN_EXCEEDS_SEGMENT',
  /** A run would write past the expected decoded size (Rows x Columns per segment). */
  RUN_EXCEEDS_OUTPUT: 'LARMOR_E_RLE_RUN_EXCEEDS_OUTPUT',
  /** A segment ended before it produced Rows x Columns bytes. */
  SEGMENT_TOO_SHORT: 'LARMOR_E_RLE_SEGMENT_TOO_SHORT',
  /** Non-zero bytes follow a segment that already produced Rows x Columns bytes (only 0x00 padding may, PS3.5 G.3.1). */
  TRAILING_DATA: 'LARMOR_E_RLE_TRAILING_DATA',
  /** encode(): the pixel buffer's length differs from Rows x Columns x Samples x bytes per sample. */
  INPUT_SIZE_MISMATCH: 'LARMOR_E_RLE_INPUT_SIZE_MISMATCH',
  /** decodeInto(): the target buffer's length differs from the decoded frame size. */
  OUTPUT_SIZE_MISMATCH: 'LARMOR_E_RLE_OUTPUT_SIZE_MISMATCH',
} as const;

export type RleErrorCode = (typeof RleErrorCode)[keyof typeof RleErrorCode];

/** Errors of the Part 10 reader/writer in native-bridge/dicom. */
export const DicomErrorCode = {
  /** Not a Part 10 file: no "DICM" prefix at byte 128, or no File Meta Information. */
  NOT_PART10: 'LARMOR_E_DICOM_NOT_PART10',
  /** An element header or value runs past the end of the file. */
  TRUNCATED: 'LARMOR_E_DICOM_TRUNCATED',
  /** A structure that violates PS3.5 (bad item tag, missing delimiter, odd value). */
  MALFORMED: 'LARMOR_E_DICOM_MALFORMED',
  /** The transfer syntax is not one this reader or command handles. */
  UNSUPPORTED_TRANSFER_SYNTAX: 'LARMOR_E_DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
  /** A required attribute is missing or has an invalid value. */
  MISSING_ATTRIBUTE: 'LARMOR_E_DICOM_MISSING_ATTRIBUTE',
  /** The writer was given a value it cannot encode for the element's VR. */
  INVALID_VALUE: 'LARMOR_E_DICOM_INVALID_VALUE',
  /** Pixel Data is absent or its length does not match the image attributes. */
  PIXEL_DATA: 'LARMOR_E_DICOM_PIXEL_DATA',
} as const;

export type DicomErrorCode = (typeof DicomErrorCode)[keyof typeof DicomErrorCode];
