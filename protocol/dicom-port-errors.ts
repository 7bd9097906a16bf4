/**
 * Stable codes of the gateway's DICOM port: refusals made at the socket and at association
 * negotiation, before or beside any object (objects have their own codes in image-errors.ts).
 * Environment-free; re-exported by protocol/index.ts.
 */
export const DicomPortErrorCode = {
  /** A PDU longer than we advertised (P-DATA-TF, PS3.8 D.1) or than the hard cap (any PDU). */
  PDU_TOO_LARGE: 'LARMOR_E_DICOM_PDU_TOO_LARGE',
  /** A PDU type outside PS3.8 9.3.1 (0x01..0x07). */
  UNKNOWN_PDU: 'LARMOR_E_DICOM_UNKNOWN_PDU',
  /** A PDU the state machine does not expect, e.g. data before the A-ASSOCIATE-RQ (PS3.8 9.2). */
  UNEXPECTED_PDU: 'LARMOR_E_DICOM_UNEXPECTED_PDU',
  /** All association slots are taken; the peer is told to try again (A-ASSOCIATE-RJ transient). */
  TOO_MANY_ASSOCIATIONS: 'LARMOR_E_DICOM_TOO_MANY_ASSOCIATIONS',
  /** No complete A-ASSOCIATE-RQ within the ARTIM timeout (PS3.8 9.1.5). */
  ARTIM_EXPIRED: 'LARMOR_E_DICOM_ARTIM_EXPIRED',
  /** An association sent nothing for longer than the idle timeout; it was aborted. */
  ASSOCIATION_IDLE: 'LARMOR_E_DICOM_ASSOCIATION_IDLE',
  /** The calling AE title, from this source address, is not on the allow list. */
  CALLING_AE_NOT_ALLOWED: 'LARMOR_E_DICOM_CALLING_AE_NOT_ALLOWED',
  /** A TLS handshake on the DICOM port failed (no or untrusted client certificate, not TLS at all). */
  TLS_HANDSHAKE: 'LARMOR_E_DICOM_TLS_HANDSHAKE',
  /** The image's patient differs from the open exam's patient (refused, or a warning by policy). */
  PATIENT_MISMATCH: 'LARMOR_E_DICOM_PATIENT_MISMATCH',
} as const;

export type DicomPortErrorCode = (typeof DicomPortErrorCode)[keyof typeof DicomPortErrorCode];
