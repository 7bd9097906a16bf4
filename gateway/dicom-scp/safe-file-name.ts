/**
 * File names for received objects, when the receiver is asked to keep them on disk. A UID is
 * attacker-controlled text ("../../etc/passwd", "CON", 300 characters, NUL bytes), so it is never
 * used as a path unexamined: only a valid UID (digits and dots, PS3.5 9.1) is kept as is, and
 * anything else becomes a SHA-256 digest. Either way the name has no separators, does not start
 * with a dot and fits every file system.
 */
import { createHash } from 'node:crypto';
import { isValidUid } from '../../base/node/uids.js';

export function safeFileName(sopInstanceUid: string, extension = '.dcm'): string {
  const stem = isValidUid(sopInstanceUid) ? sopInstanceUid : `x-${createHash('sha256').update(sopInstanceUid, 'utf8').digest('hex')}`;
  return `${stem}${extension}`;
}
