import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters (RFC 7914 section 2): N CPU/memory cost, r block size, p parallelism. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * Today's cost: N = 2^15, r = 8, p = 1 (RFC 7914 section 2 recommends r = 8, p = 1; OWASP's
 * password storage cheat sheet lists N = 2^17 as a minimum for interactive logins on fast
 * servers, 2^15 keeps a sign-in near 100 ms on the small machines a scanner site runs).
 * Stored with every hash, so raising it later upgrades each account at its next sign-in.
 */
export const CURRENT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string, params: ScryptParams = CURRENT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other cost parameters than today's: store a fresh one. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string, current: ScryptParams = CURRENT_SCRYPT): Promise<PasswordCheck> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return { ok: false, needsRehash: false };
  const params = { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, salt, params, expected.length);
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  return { ok, needsRehash: ok && (params.N !== current.N || params.r !== current.r || params.p !== current.p) };
}

/** A hash no password matches, checked for unknown users so their sign-in takes as long. */
export const DUMMY_HASH = `scrypt$${CURRENT_SCRYPT.N}$${CURRENT_SCRYPT.r}$${CURRENT_SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`;

function derive(password: string, salt: Buffer, params: ScryptParams, length = KEY_BYTES): Promise<Buffer> {
  // Node refuses scrypt above maxmem (32 MiB by default); 128 * N * r bytes is what it needs.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}
