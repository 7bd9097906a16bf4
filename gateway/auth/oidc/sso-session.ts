import { ErrorCode, LarmorError } from '../../../protocol/index.js';
import type { SsoLevel, SsoRole } from './oidc-config.js';
import type { SsoIdentity } from './oidc-relying-party.js';

/** Roles a WebSocket link can have; `admin` manages accounts and never says hello. */
type LinkRole = Exclude<SsoRole, 'admin'>;
const LINK_ROLES: readonly LinkRole[] = ['operator', 'onsite', 'observer'];

/**
 * The gateway's session issuance, as used for both local accounts and hospital sign-in
 * (gateway/auth/session-credential.ts). Declared by shape, so this folder depends on nothing
 * but what it calls.
 */
export interface SessionIssuer {
  issueSession(
    identity: { userId: string; displayName: string; roles: SsoRole[]; level: SsoLevel | null; method: 'oidc' },
    role: LinkRole,
  ): Promise<{ credential: string }>;
}

/**
 * The routes' onIdentity over the gateway's session issuance. A hospital person's Larmor user
 * id is issuer + subject, the pair OpenID Connect Core 1.0 section 2 calls unique and never
 * reassigned; it cannot collide with a local account name (no ':' or '/' allowed there).
 */
export function issueSsoSession(issuer: SessionIssuer): (identity: SsoIdentity, role: SsoRole | null) => Promise<string> {
  return async (identity, asked) => {
    const role = asked ?? LINK_ROLES.find((r) => identity.roles.includes(r));
    if (!role || role === 'admin') {
      throw new LarmorError(
        ErrorCode.OIDC_ROLE_NOT_GRANTED,
        `${identity.displayName} may only manage accounts, which is done with the users command, not by signing in here.`,
      );
    }
    const { credential } = await issuer.issueSession(
      { userId: ssoUserId(identity), displayName: identity.displayName, roles: identity.roles, level: identity.level ?? null, method: 'oidc' },
      role,
    );
    return credential;
  };
}

export function ssoUserId(identity: Pick<SsoIdentity, 'issuer' | 'subject'>): string {
  return `${identity.issuer}#${identity.subject}`;
}
