/** Transfer Syntax UIDs (PS3.5 Section 10 and Annex A). */
export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

/** Native (uncompressed) transfer syntaxes: Pixel Data is one contiguous value (PS3.5 A.1-A.3). */
export function isNativeTransferSyntax(uid: string): boolean {
  return uid === TransferSyntax.ImplicitVRLittleEndian || uid === TransferSyntax.ExplicitVRLittleEndian || uid === TransferSyntax.ExplicitVRBigEndian;
}

/** Larmor's implementation identity for File Meta Information (PS3.10 7.1, (0002,0012/0013)); a UUID-derived UID (PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.111272076506096543390070333934508479851';
export const IMPLEMENTATION_VERSION_NAME = 'LARMOR_010';
