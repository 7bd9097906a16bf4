/**
 * DICOM UIDs under the UUID-derived root "2.25" (PS3.5 Annex B.2, ITU-T X.667): "2.25." then
 * the 128-bit UUID written as one unsigned decimal integer, no leading zeros. At most
 * 5 + 39 = 44 characters, inside the 64-character limit of PS3.5 9.1. No organisation root
 * needs registering, and uniqueness comes from the UUID itself.
 *
 *  - `newUid()`: from a random (version 4) UUID: studies, series, frames of reference.
 *  - `uidFromName(name)`: from a name-based (version 5, SHA-1) UUID, so the same name always
 *    gives the same UID: the simulator derives each SOP Instance UID from its series UID and
 *    instance number, so rendering a slice twice yields the same instance (idempotent resend).
 */
import { createHash, randomUUID } from 'node:crypto';

/** Arbitrary fixed namespace for Larmor's name-based UUIDs (RFC 4122 section 4.3). */
const LARMOR_UUID_NAMESPACE = Buffer.from('9b8c2f4e6a1d4c7e8f30a5b6c7d8e9f0', 'hex');

function uidFromUuidBytes(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

export function newUid(): string {
  return uidFromUuidBytes(Buffer.from(randomUUID().replaceAll('-', ''), 'hex'));
}

export function uidFromName(name: string): string {
  const digest = createHash('sha1').update(LARMOR_UUID_NAMESPACE).update(name, 'utf8').digest();
  const uuid = Uint8Array.from(digest.subarray(0, 16));
  uuid[6] = (uuid[6] & 0x0f) | 0x50; // version 5
  uuid[8] = (uuid[8] & 0x3f) | 0x80; // RFC 4122 variant
  return uidFromUuidBytes(uuid);
}

/** PS3.5 9.1: components of digits separated by '.', no leading zero in a multi-digit component. */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(uid);
}
