import { generateSecret, generateURI, verifySync } from 'otplib';

/** RFC 6238 TOTP (30 s steps, 6 digits, SHA-1: what authenticator apps expect by default). */
export function newTotpSecret(): string {
  return generateSecret();
}

/** otpauth:// URI for an authenticator app (Key Uri Format used by Google Authenticator). */
export function totpUri(secret: string, userId: string, issuer = 'Larmor'): string {
  return generateURI({ secret, label: userId, issuer });
}

/** One step of clock drift either way is accepted (RFC 6238 section 5.2). */
export function totpMatches(secret: string, code: string): boolean {
  try {
    return verifySync({ secret, token: code, epochTolerance: 30 }).valid;
  } catch {
    return false;
  }
}
