import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ErrorCode, LarmorError, describeIssues } from '../../../protocol/index.js';

/** Larmor roles a hospital group can grant. */
export const SsoRole = z.enum(['operator', 'onsite', 'observer', 'admin']);
export type SsoRole = z.infer<typeof SsoRole>;

/** Onsite credential levels: ACR MR Level 1, Level 2 personnel, MR Safety Technologist (same words as `users add --level`). */
export const SsoLevel = z.enum(['mr1', 'mr2', 'mrst']);
export type SsoLevel = z.infer<typeof SsoLevel>;

/**
 * The file IT writes for `larmor gateway --oidc-config FILE`. The README ("Hospital single
 * sign-on") documents every field; this schema is the one place they are defined.
 */
const OidcConfigFile = z
  .object({
    /** The provider's issuer identifier; discovery is `${issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 section 4). */
    issuer: z.url(),
    clientId: z.string().min(1),
    /** A file holding the client secret (never the secret itself: config files get copied around). Omit for a public client (PKCE only). */
    clientSecretFile: z.string().min(1).optional(),
    /** Exactly as registered at the provider: https://GATEWAY/auth/oidc/callback */
    redirectUri: z.url(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).default(['openid', 'profile']),
    /** Claim holding the person's groups; a dotted path reaches into objects (Keycloak: "realm_access.roles"). */
    groupsClaim: z.string().min(1).default('groups'),
    /** Claim shown as the person's name in Larmor (falls back to preferred_username, then sub). */
    nameClaim: z.string().min(1).default('name'),
    /** IdP group -> Larmor roles it grants. A person in no listed group is refused. */
    roles: z.record(z.string().min(1), z.array(SsoRole).min(1)),
    /** IdP group -> onsite credential level; with several, the highest counts. */
    levels: z.record(z.string().min(1), SsoLevel).default({}),
    /**
     * Where the session credential may be sent after sign-in, besides this gateway's own pages:
     * exact origins ("https://ws.example.org"), or a loopback host with any port
     * ("http://127.0.0.1:*", the native-app redirect of RFC 8252 section 7.3).
     */
    returnOrigins: z.array(z.string().regex(/^https?:\/\/[^/?#]+$/)).default([]),
    /** Seconds of clock difference tolerated on exp/iat (OpenID Connect Core 3.1.3.7). */
    clockToleranceS: z.number().int().min(0).max(300).default(30),
  })
  .strict();

export type OidcConfig = Omit<z.infer<typeof OidcConfigFile>, 'clientSecretFile'> & { clientSecret?: string };

/** Read and check the config file, and the client secret file it names (relative to the config's folder). */
export function loadOidcConfig(file: string): OidcConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LarmorError(ErrorCode.OIDC_CONFIG_INVALID, `${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  return parseOidcConfig(raw, dirname(file));
}

export function parseOidcConfig(raw: unknown, baseDir: string): OidcConfig {
  const parsed = OidcConfigFile.safeParse(raw);
  if (!parsed.success) throw new LarmorError(ErrorCode.OIDC_CONFIG_INVALID, `OpenID Connect config: ${describeIssues(parsed.error.issues)}`);
  const { clientSecretFile, ...config } = parsed.data;
  if (!config.scopes.includes('openid')) throw new LarmorError(ErrorCode.OIDC_CONFIG_INVALID, 'OpenID Connect config: scopes must include "openid"');
  const insecure = [config.issuer, config.redirectUri].find((u) => new URL(u).protocol !== 'https:' && !isLoopbackUrl(u));
  if (insecure) throw new LarmorError(ErrorCode.OIDC_CONFIG_INVALID, `OpenID Connect config: ${insecure} must be https (plain http only on loopback)`);
  if (!clientSecretFile) return config;
  const secretPath = isAbsolute(clientSecretFile) ? clientSecretFile : resolve(baseDir, clientSecretFile);
  let clientSecret: string;
  try {
    clientSecret = readFileSync(secretPath, 'utf8').trim();
  } catch (err) {
    throw new LarmorError(
      ErrorCode.OIDC_CONFIG_INVALID,
      `OpenID Connect config: clientSecretFile ${secretPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (clientSecret === '') throw new LarmorError(ErrorCode.OIDC_CONFIG_INVALID, `OpenID Connect config: clientSecretFile ${secretPath} is empty`);
  return { ...config, clientSecret };
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
