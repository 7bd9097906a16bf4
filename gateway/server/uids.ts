import { randomUUID } from 'node:crypto';

/**
 * A globally unique DICOM UID without a registered root: PS3.5 B.2 allows "2.25." followed by
 * the decimal value of a UUID (ISO/IEC 9834-8).
 */
export function newDicomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString(10)}`;
}
