import { SignJWT, createRemoteJWKSet, generateKeyPair, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../protocol/index.js';
import { verifyIdToken } from '../../../../gateway/auth/oidc/id-token-verifier.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../../helpers/identity-provider.js';

const CLIENT_ID = 'larmor-gateway';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = Math.floor(Date.now() / 1000);

let idp: TestIdentityProvider;
let keys: JWTVerifyGetKey;

beforeAll(async () => {
  idp = await startTestIdentityProvider({});
  idp.register('http://127.0.0.1:9/auth/oidc/callback');
  // The provider's published keys, fetched from its jwks_uri as the gateway does.
  keys = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
});

afterAll(async () => {
  await idp?.close();
});

/** An ID token signed with the provider's own key; `claims` overrides the valid defaults. */
function providerToken(claims: JWTPayload = {}): Promise<string> {
  return new SignJWT({ iss: idp.issuer, sub: 'alice', aud: CLIENT_ID, nonce: NONCE, iat: NOW, exp: NOW + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-idp-1' })
    .sign(idp.privateKey);
}

function verify(token: string, nonce = NONCE) {
  return verifyIdToken(token, { issuer: idp.issuer, clientId: CLIENT_ID, nonce, keys, clockToleranceS: 30 });
}

describe('ID token verification (OpenID Connect Core 3.1.3.7)', () => {
  it('accepts a token signed by the provider for this client and this sign-in', async () => {
    const claims = await verify(await providerToken());
    expect(claims).toMatchObject({ iss: idp.issuer, sub: 'alice', aud: CLIENT_ID });
  });

  it('refuses a token for another client (wrong audience)', async () => {
    await expect(verify(await providerToken({ aud: 'some-other-app' }))).rejects.toMatchObject({ code: ErrorCode.OIDC_WRONG_AUDIENCE });
  });

  it('refuses a token for several audiences whose azp is not this gateway', async () => {
    await expect(verify(await providerToken({ aud: [CLIENT_ID, 'some-other-app'] }))).rejects.toMatchObject({ code: ErrorCode.OIDC_WRONG_AUDIENCE });
    await expect(verify(await providerToken({ aud: [CLIENT_ID, 'some-other-app'], azp: CLIENT_ID }))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('refuses a token from another issuer, even signed with the right key', async () => {
    await expect(verify(await providerToken({ iss: 'https://elsewhere.example' }))).rejects.toMatchObject({ code: ErrorCode.OIDC_WRONG_ISSUER });
  });

  it('refuses an expired token beyond the clock tolerance', async () => {
    await expect(verify(await providerToken({ iat: NOW - 3600, exp: NOW - 60 }))).rejects.toMatchObject({ code: ErrorCode.OIDC_TOKEN_EXPIRED });
  });

  it('accepts a token expired within the clock tolerance', async () => {
    await expect(verify(await providerToken({ iat: NOW - 600, exp: NOW - 10 }))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('refuses a token of another sign-in (nonce mismatch) and one without a nonce', async () => {
    await expect(verify(await providerToken(), 'another-nonce')).rejects.toMatchObject({ code: ErrorCode.OIDC_NONCE_MISMATCH });
    await expect(verify(await providerToken({ nonce: undefined }))).rejects.toMatchObject({ code: ErrorCode.OIDC_NONCE_MISMATCH });
  });

  it('refuses a token signed with a key the provider never published', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ iss: idp.issuer, sub: 'alice', aud: CLIENT_ID, nonce: NONCE, iat: NOW, exp: NOW + 300 })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-idp-1' })
      .sign(privateKey);
    await expect(verify(forged)).rejects.toMatchObject({ code: ErrorCode.OIDC_TOKEN_INVALID });
  });

  it('refuses an unsigned token (alg none) and an HMAC one keyed with a shared secret', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${b64({ alg: 'none' })}.${b64({ iss: idp.issuer, sub: 'alice', aud: CLIENT_ID, nonce: NONCE, iat: NOW, exp: NOW + 300 })}.`;
    await expect(verify(unsigned)).rejects.toMatchObject({ code: ErrorCode.OIDC_TOKEN_INVALID });
    const hmac = await new SignJWT({ iss: idp.issuer, sub: 'alice', aud: CLIENT_ID, nonce: NONCE, iat: NOW, exp: NOW + 300 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(idp.clientSecret));
    await expect(verify(hmac)).rejects.toMatchObject({ code: ErrorCode.OIDC_TOKEN_INVALID });
  });

  it('refuses a token that names no subject', async () => {
    await expect(verify(await providerToken({ sub: undefined }))).rejects.toMatchObject({ code: ErrorCode.OIDC_TOKEN_INVALID });
  });
});
