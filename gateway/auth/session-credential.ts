import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import {
  AccountLevel,
  AccountRole,
  ErrorCode,
  Role,
  type AccountLevel as Level,
  type AccountRole as RoleName,
  type Role as LinkRole,
} from '../../protocol/index.js';

/**
 * Who signed in, however they did (a local account with a password, or the site's identity
 * provider): what a session credential is issued for. Roles and level come from the account or
 * the IdP's mapped groups, never from what the client asks for.
 */
export interface SignedInIdentity {
  userId: string;
  displayName: string;
  roles: RoleName[];
  level: Level | null;
  /** How the person proved who they are (audited). */
  method: 'password' | 'password+totp' | 'oidc';
}

/** Expiry and idle timeout of session credentials (site policy). */
export interface SessionPolicy {
  /** Lifetime of a credential from sign-in (default 12 h: one shift). */
  ttlS: number;
  /** A credential no link has used for this long is refused (default 30 min). */
  idleS: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlS: 12 * 3600, idleS: 30 * 60 };

/** JWT `iss` and `aud` (RFC 7519 4.1.1, 4.1.3): credentials of this gateway, for its links only. */
export const CREDENTIAL_ISSUER = 'larmor-gateway';
export const CREDENTIAL_AUDIENCE = 'larmor-link';

export interface IssuedSession {
  credential: string;
  expiresAt: Date;
  /** The credential's `jti`. */
  credentialId: string;
}

/** What a verified credential says; the hello takes name, role and level from here. */
interface SessionClaims {
  credentialId: string;
  userId: string;
  displayName: string;
  role: LinkRole;
  roles: RoleName[];
  level: Level | null;
  method: SignedInIdentity['method'];
}

export type VerifiedSession = { ok: true; claims: SessionClaims } | { ok: false; code: string; message: string };

/**
 * Session credentials: HS256 JWTs (RFC 7515, RFC 7519) signed with a key of this gateway kept
 * next to its database with mode 0600, so a credential survives a gateway restart but is
 * worthless at any other gateway. The idle timeout is tracked in memory per credential id.
 *
 * Only credentials used within the idle timeout are remembered: every sign-in adds one, and a
 * peer signing in again and again would otherwise grow the gateway by one entry a sign-in for as
 * long as it ran. So a credential not remembered is one issued before this process started and
 * not used since (a workstation resuming after a gateway restart), or one idle for too long.
 * Only the first can be new here, and only within the idle timeout of the start: after that, any
 * credential not remembered has been idle at least that long.
 */
export class SessionCredentials {
  private readonly key: Uint8Array;
  /** Last use by credential id, least recently used first (each use moves it to the end). */
  private readonly lastUsed = new Map<string, number>();
  private readonly startedAt: number;

  constructor(
    keyFile: string,
    readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.key = loadOrCreateKey(keyFile);
    this.startedAt = now();
  }

  /** A credential for `identity` in `role` (the caller checked the role is one of the identity's). */
  async issueSession(identity: SignedInIdentity, role: LinkRole): Promise<IssuedSession> {
    const credentialId = randomUUID();
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresAt = new Date((issuedAt + this.policy.ttlS) * 1000);
    const credential = await new SignJWT({ name: identity.displayName, role, roles: identity.roles, lvl: identity.level, amr: identity.method })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(identity.userId)
      .setIssuer(CREDENTIAL_ISSUER)
      .setAudience(CREDENTIAL_AUDIENCE)
      .setJti(credentialId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    this.used(credentialId);
    return { credential, expiresAt, credentialId };
  }

  async verify(credential: string): Promise<VerifiedSession> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(credential, this.key, {
        issuer: CREDENTIAL_ISSUER,
        audience: CREDENTIAL_AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'jti', 'exp'],
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      return refusalFor(err);
    }
    const role = Role.safeParse(payload.role);
    const roles = AccountRole.array().safeParse(payload.roles);
    const level = AccountLevel.nullable().safeParse(payload.lvl ?? null);
    if (!role.success || !roles.success || !level.success || typeof payload.name !== 'string' || !roles.data.includes(role.data)) {
      return { ok: false, code: ErrorCode.CREDENTIAL_FORGED, message: 'the session credential does not name a role of its account' };
    }
    const credentialId = payload.jti as string;
    this.forgetIdle();
    if (!this.lastUsed.has(credentialId) && this.now() - this.startedAt > this.policy.idleS * 1000) {
      return {
        ok: false,
        code: ErrorCode.CREDENTIAL_IDLE,
        message: `the session was idle for more than ${Math.round(this.policy.idleS / 60)} min: sign in again`,
      };
    }
    this.used(credentialId);
    return {
      ok: true,
      claims: {
        credentialId,
        userId: payload.sub as string,
        displayName: payload.name,
        role: role.data,
        roles: roles.data,
        level: level.data,
        method: (payload.amr as SignedInIdentity['method']) ?? 'password',
      },
    };
  }

  /** A link using the credential is alive: the idle clock restarts (a forgotten one stays forgotten). */
  touch(credentialId: string): void {
    if (this.lastUsed.has(credentialId)) this.used(credentialId);
  }

  /** Credentials remembered: those used within the idle timeout (and any idle since the last use of one). */
  get remembered(): number {
    return this.lastUsed.size;
  }

  private used(credentialId: string): void {
    this.lastUsed.delete(credentialId);
    this.lastUsed.set(credentialId, this.now());
    this.forgetIdle();
  }

  /** Lets go of the credentials idle longer than the policy allows, oldest first. */
  private forgetIdle(): void {
    const before = this.now() - this.policy.idleS * 1000;
    for (const [id, last] of this.lastUsed) {
      if (last >= before) return;
      this.lastUsed.delete(id);
    }
  }
}

function refusalFor(err: unknown): VerifiedSession {
  if (err instanceof joseErrors.JWTExpired)
    return { ok: false, code: ErrorCode.CREDENTIAL_EXPIRED, message: 'the session credential has expired: sign in again' };
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud')
      return { ok: false, code: ErrorCode.CREDENTIAL_WRONG_AUDIENCE, message: 'the session credential was not issued for this gateway link' };
    if (err.claim === 'iss') return { ok: false, code: ErrorCode.CREDENTIAL_WRONG_ISSUER, message: 'the session credential was not issued by this gateway' };
  }
  return { ok: false, code: ErrorCode.CREDENTIAL_FORGED, message: 'the session credential is not valid at this gateway: sign in again' };
}

function loadOrCreateKey(file: string): Uint8Array {
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length >= 32) return key;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx': two processes starting on one data dir must not overwrite each other's key.
  try {
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return readFileSync(file);
    throw err;
  }
  chmodSync(file, 0o600);
  return key;
}
