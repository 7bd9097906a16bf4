import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The old shared site token, for sites that still want it on top of accounts. Compared in
 * constant time (hashes of equal length, so neither content nor length leaks through timing),
 * and read from a file or the environment: a command-line value shows in `ps` to every user.
 */
export function siteTokenMatches(expected: string, offered: string | undefined): boolean {
  if (offered === undefined) return false;
  return timingSafeEqual(createHash('sha256').update(expected).digest(), createHash('sha256').update(offered).digest());
}

/** The token in `file` (first line, trimmed); a missing or empty file is an error. */
export function readSiteToken(file: string): string {
  const token = readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
  if (token === '') throw new Error(`${file} holds no token`);
  return token;
}
