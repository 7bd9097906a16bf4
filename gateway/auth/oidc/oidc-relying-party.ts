import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import { cutText } from '../../../base/common/cut-text.js';
import { ErrorCode, LarmorError, MAX_DISPLAY_NAME_CHARS } from '../../../protocol/index.js';
import { verifyIdToken } from './id-token-verifier.js';
import { isLoopbackUrl, type OidcConfig, type SsoLevel, type SsoRole } from './oidc-config.js';
import type { PendingSignIn } from './pending-sign-ins.js';
import { mapClaimsToRoles } from './role-mapping.js';

/** A hospital identity after sign-in: who (issuer + subject), the name to show, what Larmor roles it holds. */
export interface SsoIdentity {
  issuer: string;
  subject: string;
  displayName: string;
  roles: SsoRole[];
  /** Onsite credential level, when the person may be onsite. */
  level?: SsoLevel;
}

/** The secrets of one sign-in, created at /auth/oidc/start and checked at the callback. */
export type SignInSecrets = Pick<PendingSignIn, 'state' | 'codeVerifier' | 'nonce'>;

/**
 * The gateway as an OpenID Connect relying party: authorization code flow with PKCE (S256,
 * RFC 7636), state and nonce (OpenID Connect Core 3.1.2.1). openid-client does discovery and the
 * code exchange; verifyIdToken then checks the ID token itself; mapClaimsToRoles turns the
 * person's groups into Larmor roles.
 *
 * Discovery happens on first use and is retried after a failure, so a provider outage at boot
 * never stops the gateway (local accounts keep working).
 */
export class OidcRelyingParty {
  private discovered: Promise<{ config: client.Configuration; keys: JWTVerifyGetKey }> | null = null;

  constructor(readonly config: OidcConfig) {}

  /** The authorization request URL for one new sign-in, and its secrets. */
  async begin(): Promise<{ url: URL; secrets: SignInSecrets }> {
    const { config } = await this.discover();
    const secrets = { state: client.randomState(), codeVerifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes.join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
      code_challenge_method: 'S256',
      state: secrets.state,
      nonce: secrets.nonce,
    });
    return { url, secrets };
  }

  /**
   * Finish a sign-in from the provider's redirect: exchange the code, verify the ID token,
   * read the person's groups (from the ID token, or userinfo when the provider keeps them there).
   * @param callbackQuery the query string the browser brought to /auth/oidc/callback
   */
  async complete(callbackQuery: string, secrets: SignInSecrets): Promise<SsoIdentity> {
    const { config, keys } = await this.discover();
    // The redirect_uri of the token request must be the registered one (RFC 6749 4.1.3), whatever Host the browser used.
    const currentUrl = new URL(this.config.redirectUri);
    currentUrl.search = callbackQuery;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: secrets.codeVerifier,
        expectedState: secrets.state,
        expectedNonce: secrets.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw codeExchangeRefusal(err);
    }
    const idClaims = await verifyIdToken(tokens.id_token!, {
      issuer: config.serverMetadata().issuer,
      clientId: this.config.clientId,
      nonce: secrets.nonce,
      keys,
      clockToleranceS: this.config.clockToleranceS,
    });
    let claims: Record<string, unknown> = idClaims;
    const needsUserinfo = !(this.config.groupsClaim.split('.')[0]! in idClaims) || !(this.config.nameClaim in idClaims);
    if (needsUserinfo && config.serverMetadata().userinfo_endpoint) {
      try {
        // openid-client checks that userinfo's sub is the ID token's (OpenID Connect Core 5.3.2).
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...userinfo, ...idClaims };
      } catch (err) {
        throw new LarmorError(ErrorCode.OIDC_PROVIDER_REFUSED, `the identity provider did not give the person's groups (userinfo: ${(err as Error).message})`);
      }
    }
    const mapped = mapClaimsToRoles(claims, this.config);
    const named = [claims[this.config.nameClaim], claims.preferred_username, idClaims.sub].find((v): v is string => typeof v === 'string' && v.trim() !== '')!;
    // The provider's claim has no length limit; every snapshot and alarm names the person.
    const displayName = cutText(named.trim(), MAX_DISPLAY_NAME_CHARS);
    return { issuer: idClaims.iss!, subject: idClaims.sub, displayName, ...mapped };
  }

  private discover(): Promise<{ config: client.Configuration; keys: JWTVerifyGetKey }> {
    this.discovered ??= (async () => {
      const c = this.config;
      const auth = c.clientSecret ? client.ClientSecretBasic(c.clientSecret) : client.None();
      const execute = isLoopbackUrl(c.issuer) ? [client.allowInsecureRequests] : [];
      let config: client.Configuration;
      try {
        // One clock tolerance for openid-client's checks and ours, so both refuse the same tokens.
        config = await client.discovery(new URL(c.issuer), c.clientId, { [client.clockTolerance]: c.clockToleranceS }, auth, { execute });
      } catch (err) {
        throw new LarmorError(ErrorCode.OIDC_PROVIDER_UNREACHABLE, `the hospital sign-in service at ${c.issuer} did not answer: ${(err as Error).message}`);
      }
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new LarmorError(ErrorCode.OIDC_PROVIDER_UNREACHABLE, `${c.issuer} publishes no jwks_uri: its ID tokens cannot be verified`);
      return { config, keys: createRemoteJWKSet(new URL(jwksUri)) };
    })();
    // A failed discovery is not cached: the next sign-in tries again.
    this.discovered.catch(() => (this.discovered = null));
    return this.discovered;
  }
}

/** openid-client's refusals of the callback or the code exchange, as Larmor codes. */
function codeExchangeRefusal(err: unknown): LarmorError {
  if (err instanceof LarmorError) return err;
  if (err instanceof client.AuthorizationResponseError) {
    return new LarmorError(
      ErrorCode.OIDC_PROVIDER_REFUSED,
      `the hospital sign-in service refused: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
    );
  }
  if (err instanceof client.ResponseBodyError)
    return new LarmorError(ErrorCode.OIDC_PROVIDER_REFUSED, `the hospital sign-in service refused the code: ${err.error}`);
  const claim = ((err as { cause?: { claim?: string } }).cause ?? {}).claim;
  const message = (err as Error).message;
  if (claim === 'iss') return new LarmorError(ErrorCode.OIDC_WRONG_ISSUER, `the ID token comes from another issuer: ${message}`);
  if (claim === 'aud' || claim === 'azp') return new LarmorError(ErrorCode.OIDC_WRONG_AUDIENCE, `the ID token is for another client: ${message}`);
  if (claim === 'nonce') return new LarmorError(ErrorCode.OIDC_NONCE_MISMATCH, `the ID token does not belong to this sign-in: ${message}`);
  if (claim === 'exp' || claim === 'iat') return new LarmorError(ErrorCode.OIDC_TOKEN_EXPIRED, `the ID token is not valid now: ${message}`);
  if ((err as { code?: string }).code === 'OAUTH_INVALID_RESPONSE' && /state/i.test(message)) return new LarmorError(ErrorCode.OIDC_UNKNOWN_SIGN_IN, message);
  return new LarmorError(ErrorCode.OIDC_PROVIDER_UNREACHABLE, `the sign-in could not be completed with the hospital sign-in service: ${message}`);
}
