import { generateKeyPair, exportJWK, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person known to the test identity provider (dev interactions: any password signs in). */
export interface TestIdpUser {
  name: string;
  groups: string[];
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider's public signing key (tests sign their own tokens with `privateKey` to probe the gateway's checks). */
  publicJwk: JWK;
  privateKey: CryptoKey;
  /** Register the gateway's redirect URI (known only once the gateway listens) and start answering. */
  register(redirectUri: string): void;
  /** Called with the path of every request the provider receives (userinfo is /me). */
  onRequest: ((path: string) => void) | null;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1, port 0: code flow with PKCE required, a
 * confidential client, test users whose `groups` claim comes with the `groups` scope. Sign-in
 * and consent use oidc-provider's development interactions (a plain HTML form).
 *
 * @param groupsInIdToken false (the default, as oidc-provider conforms to OpenID Connect Core
 *   5.4) keeps profile and groups claims out of the ID token: the gateway must read userinfo.
 */
export async function startTestIdentityProvider(
  users: Record<string, TestIdpUser>,
  options: { groupsInIdToken?: boolean } = {},
): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // "localhost", not 127.0.0.1: another site than the gateway (cookies and SameSite see hosts, not ports), as a hospital provider is.
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'test-idp-1', alg: 'RS256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'test-idp-1', alg: 'RS256', use: 'sig' };
  const clientId = 'larmor-gateway';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const idp: TestIdentityProvider = {
    onRequest: null,
    issuer,
    clientId,
    clientSecret,
    publicJwk,
    privateKey: privateKey as CryptoKey,
    register(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        jwks: { keys: [privateJwk] },
        cookies: { keys: ['larmor-test-idp-cookie-key'] },
        scopes: ['openid', 'profile', 'groups'],
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
        conformIdTokenClaims: !options.groupsInIdToken,
        pkce: { required: () => true },
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
        findAccount: (_ctx: unknown, id: string) => {
          const user = users[id];
          if (!user) return undefined;
          return { accountId: id, claims: () => ({ sub: id, name: user.name, preferred_username: id, groups: user.groups }) };
        },
      });
      // The dev-interactions warning is expected here; other errors would be worth seeing.
      server.on('request', (req) => idp.onRequest?.(req.url ?? '/'));
      server.on('request', provider.callback());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return idp;
}
