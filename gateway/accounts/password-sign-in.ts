import { ErrorCode, SignInRequest, describeIssues, type Role, type SignInRefusal, type SignInResponse } from '../../protocol/index.js';
import type { SessionCredentials, SignedInIdentity } from '../auth/session-credential.js';
import type { AccountStore } from './account-store.js';
import { CURRENT_SCRYPT, DUMMY_HASH, hashPassword, verifyPassword, type ScryptParams } from './password-hash.js';
import { ACCOUNT_THROTTLE, ADDRESS_THROTTLE, SignInThrottle } from './sign-in-throttle.js';
import { totpMatches } from './totp.js';
import type { KeyedRates } from '../server/link-limits.js';

export interface SignInPolicy {
  /** Roles whose sign-in needs an authenticator code as well (NIST SP 800-63B AAL2). */
  totpRoles: readonly Role[];
  scrypt?: ScryptParams;
  /** Sign-ins each account may try, by user name (link-limits.ts `signInsPerSecond`). */
  triesPerAccount: KeyedRates;
}

export interface SignInAudit {
  userId: string | null;
  role: string | null;
  peer: string;
  decision: 'accepted' | 'refused';
  /** The precise reason, also when the client is told less. */
  code: string | null;
  detail?: unknown;
}

export type SignInResult = { ok: true; status: 200; body: SignInResponse } | { ok: false; status: number; body: SignInRefusal };

/**
 * Sign-in with a local account's password (and TOTP code when policy asks): checks the account,
 * backs off repeated failures per account and per address, audits every attempt, and on success
 * issues a session credential for the role asked for, if the account has it.
 */
export class PasswordSignIn {
  private readonly byAccount = new SignInThrottle(ACCOUNT_THROTTLE);
  private readonly byAddress = new SignInThrottle(ADDRESS_THROTTLE);

  constructor(
    private readonly accounts: AccountStore,
    private readonly sessions: SessionCredentials,
    private readonly policy: SignInPolicy,
    private readonly audit: (entry: SignInAudit) => void,
  ) {}

  async signIn(body: unknown, peer: string): Promise<SignInResult> {
    const parsed = SignInRequest.safeParse(body);
    if (!parsed.success) {
      this.audit({ userId: null, role: null, peer, decision: 'refused', code: ErrorCode.INVALID_MESSAGE });
      return refuse(400, ErrorCode.INVALID_MESSAGE, `sign-in request: ${describeIssues(parsed.error.issues)}`);
    }
    const request = parsed.data;
    const refused: Refuse = (status, code, message, told = code, extra = {}) => {
      this.audit({ userId: request.user, role: request.role, peer, decision: 'refused', code });
      return refuse(status, told, message, extra);
    };
    const backingOff = this.backingOff(request.user, peer, refused);
    if (backingOff) return backingOff;
    const tries = this.policy.triesPerAccount;
    if (!tries.take(request.user)) {
      const { retryAfterS } = tries;
      return refused(429, ErrorCode.SIGN_IN_THROTTLED, `too many sign-ins for this account: try again in ${retryAfterS} s`, ErrorCode.SIGN_IN_THROTTLED, {
        retryAfterS,
      });
    }
    // Tries checked at once count against the free ones (sign-in-throttle.ts). The account's
    // place is always taken first, so no two tries each hold a place the other waits for.
    const endAccountTry = await this.byAccount.begin(request.user);
    const endAddressTry = endAccountTry && (await this.byAddress.begin(peer));
    if (!endAccountTry || !endAddressTry) {
      endAccountTry?.();
      const which = endAccountTry ? 'from this address' : 'for this account';
      return refused(429, ErrorCode.SIGN_IN_THROTTLED, `too many sign-ins ${which} at once: try again in 1 s`, ErrorCode.SIGN_IN_THROTTLED, {
        retryAfterS: 1,
      });
    }
    try {
      // Tries that failed while this one waited for its turn may have started a wait.
      return this.backingOff(request.user, peer, refused) ?? (await this.checkTry(request, peer, refused));
    } finally {
      endAccountTry();
      endAddressTry();
    }
  }

  /** The refusal of a try while the account or the address is backing off, or null. */
  private backingOff(user: string, peer: string, refused: Refuse): SignInResult | null {
    const wait = Math.max(this.byAccount.waitMs(user), this.byAddress.waitMs(peer));
    if (wait === 0) return null;
    const retryAfterS = Math.ceil(wait / 1000);
    return refused(429, ErrorCode.SIGN_IN_THROTTLED, `too many failed sign-ins: try again in ${retryAfterS} s`, ErrorCode.SIGN_IN_THROTTLED, { retryAfterS });
  }

  /** One try, admitted by both throttles: the password, the account, the code, the role. */
  private async checkTry(request: SignInRequest, peer: string, refused: Refuse): Promise<SignInResult> {
    const account = this.accounts.get(request.user);
    // Unknown users cost a hash as well, so the answer's timing does not tell which names exist.
    const check = await verifyPassword(request.password, account?.passwordHash ?? DUMMY_HASH, this.policy.scrypt ?? CURRENT_SCRYPT);
    if (!account || !check.ok) {
      this.failed(request.user, peer);
      // One code for both, so sign-in does not reveal which user names exist; the audit row
      // keeps the precise UNKNOWN_USER or WRONG_PASSWORD.
      return refused(401, account ? ErrorCode.WRONG_PASSWORD : ErrorCode.UNKNOWN_USER, 'user name or password is wrong', ErrorCode.SIGN_IN_FAILED);
    }
    if (!account.enabled) {
      this.failed(request.user, peer);
      return refused(403, ErrorCode.ACCOUNT_DISABLED, `the account ${account.userId} is disabled: ask the site administrator`);
    }
    const needsTotp = account.totpSecret !== null || this.policy.totpRoles.includes(request.role);
    if (needsTotp) {
      if (account.totpSecret === null)
        return refused(
          403,
          ErrorCode.TOTP_REQUIRED,
          `site policy asks for an authenticator code for ${request.role}, and ${account.userId} has none set up: ask the site administrator`,
        );
      if (request.totp === undefined) return refused(401, ErrorCode.TOTP_REQUIRED, 'enter the 6-digit code from your authenticator app');
      if (!totpMatches(account.totpSecret, request.totp)) {
        this.failed(request.user, peer);
        return refused(401, ErrorCode.TOTP_WRONG, 'the authenticator code is wrong or too old');
      }
    }
    if (!account.roles.includes(request.role)) {
      return refused(
        403,
        ErrorCode.ROLE_FORBIDDEN,
        `the account ${account.userId} may not sign in as ${request.role} (its roles: ${account.roles.join(', ')})`,
      );
    }
    this.byAccount.succeeded(request.user);
    this.byAddress.succeeded(peer);
    if (check.needsRehash) this.accounts.setPasswordHash(account.userId, await hashPassword(request.password, this.policy.scrypt ?? CURRENT_SCRYPT));
    const identity: SignedInIdentity = {
      userId: account.userId,
      displayName: account.displayName,
      roles: account.roles,
      level: account.level,
      method: needsTotp ? 'password+totp' : 'password',
    };
    const issued = await this.sessions.issueSession(identity, request.role);
    this.audit({
      userId: account.userId,
      role: request.role,
      peer,
      decision: 'accepted',
      code: null,
      detail: { method: identity.method, credentialId: issued.credentialId, rehashed: check.needsRehash },
    });
    return {
      ok: true,
      status: 200,
      body: {
        credential: issued.credential,
        user: { id: account.userId, displayName: account.displayName, roles: account.roles, level: account.level },
        role: request.role,
        expiresAt: issued.expiresAt.toISOString(),
      },
    };
  }

  private failed(user: string, peer: string): void {
    this.byAccount.failed(user);
    this.byAddress.failed(peer);
  }
}

/** Audits a refused try (with its precise `code`) and answers it (with `told`). */
type Refuse = (status: number, code: string, message: string, told?: string, extra?: Partial<SignInRefusal>) => SignInResult;

function refuse(status: number, code: string, message: string, extra: Partial<SignInRefusal> = {}): SignInResult {
  return { ok: false, status, body: { code, message, ...extra } };
}
