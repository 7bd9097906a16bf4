import { timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ErrorCode, LarmorError } from '../../../protocol/index.js';

export interface IdTokenExpectations {
  issuer: string;
  /** Our client_id: it must be in aud (OpenID Connect Core 3.1.3.7 step 3). */
  clientId: string;
  /** The nonce we sent with this sign-in (step 11). */
  nonce: string;
  /** The provider's signing keys (jose's createRemoteJWKSet over jwks_uri, or a local set in tests). */
  keys: JWTVerifyGetKey;
  clockToleranceS: number;
  /** Seconds since the epoch; tests move the clock. */
  now?: number;
}

export type IdTokenClaims = JWTPayload & { sub: string };

/**
 * Asymmetric signatures only: 'none' and HMAC (keyed with the client secret, which more than
 * one party knows) never identify the provider (OpenID Connect Core 3.1.3.7 steps 6-8).
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Verify an ID token the way OpenID Connect Core 3.1.3.7 asks, and say which rule failed with
 * its own code: signature against the provider's published keys, iss, aud (and azp when there
 * are several audiences), exp and iat, nonce. openid-client runs the same claim checks during
 * the code exchange; this is the gateway's own gate, whose refusals are coded and audited.
 */
export async function verifyIdToken(idToken: string, expect: IdTokenExpectations): Promise<IdTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, expect.keys, {
      issuer: expect.issuer,
      audience: expect.clientId,
      algorithms: ALGORITHMS,
      clockTolerance: expect.clockToleranceS,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      ...(expect.now !== undefined ? { currentDate: new Date(expect.now * 1000) } : {}),
    }));
  } catch (err) {
    throw refusal(err);
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length > 1 && payload.azp !== expect.clientId) {
    throw new LarmorError(ErrorCode.OIDC_WRONG_AUDIENCE, `the ID token is for several audiences and its azp is not this gateway (${expect.clientId})`);
  }
  if (payload.azp !== undefined && payload.azp !== expect.clientId) {
    throw new LarmorError(ErrorCode.OIDC_WRONG_AUDIENCE, `the ID token was issued to another client (azp ${String(payload.azp)})`);
  }
  if (typeof payload.nonce !== 'string' || !constantTimeEqual(payload.nonce, expect.nonce)) {
    throw new LarmorError(ErrorCode.OIDC_NONCE_MISMATCH, 'the ID token does not belong to this sign-in (nonce differs): it may be replayed');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new LarmorError(ErrorCode.OIDC_TOKEN_INVALID, 'the ID token names no subject');
  return payload as IdTokenClaims;
}

function refusal(err: unknown): LarmorError {
  if (err instanceof errors.JWTExpired) return new LarmorError(ErrorCode.OIDC_TOKEN_EXPIRED, 'the ID token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new LarmorError(ErrorCode.OIDC_WRONG_ISSUER, `the ID token comes from another issuer: ${err.message}`);
    if (err.claim === 'aud') return new LarmorError(ErrorCode.OIDC_WRONG_AUDIENCE, `the ID token is for another client: ${err.message}`);
    if (err.claim === 'iat' || err.claim === 'nbf') return new LarmorError(ErrorCode.OIDC_TOKEN_EXPIRED, `the ID token is not valid now: ${err.message}`);
    return new LarmorError(ErrorCode.OIDC_TOKEN_INVALID, `the ID token lacks a required claim: ${err.message}`);
  }
  const code = (err as { code?: string }).code ?? 'unknown';
  return new LarmorError(ErrorCode.OIDC_TOKEN_INVALID, `the ID token does not verify against the provider's keys (${code})`);
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
