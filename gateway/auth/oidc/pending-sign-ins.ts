import { randomBytes } from 'node:crypto';
import type { SsoRole } from './oidc-config.js';

/** What the gateway remembers between /auth/oidc/start and the provider's callback. */
export interface PendingSignIn {
  state: string;
  codeVerifier: string;
  nonce: string;
  /** The role the page asked for, if any (the credential is bound to one role). */
  role: SsoRole | null;
  returnTo: string;
  /** Random value also set as a cookie on the starting browser: a callback from another browser is refused (login CSRF, RFC 6749 section 10.12). */
  browserBinding: string;
  expiresAt: number;
}

/** A sign-in abandoned at the provider is forgotten after this long. */
export const SIGN_IN_TTL_MS = 10 * 60 * 1000;
/** Bounded: a flood of /auth/oidc/start cannot grow the gateway's memory without limit. */
const MAX_PENDING = 1000;

/** In-flight sign-ins keyed by state; each is taken at most once (a replayed callback finds nothing). */
export class PendingSignIns {
  private readonly byState = new Map<string, PendingSignIn>();

  constructor(private readonly now: () => number = Date.now) {}

  add(entry: Omit<PendingSignIn, 'browserBinding' | 'expiresAt'>): PendingSignIn {
    this.sweep();
    if (this.byState.size >= MAX_PENDING) this.byState.delete(this.byState.keys().next().value!);
    const pending = { ...entry, browserBinding: randomBytes(32).toString('base64url'), expiresAt: this.now() + SIGN_IN_TTL_MS };
    this.byState.set(entry.state, pending);
    return pending;
  }

  /** Remove and return the sign-in for this state, if it exists and has not expired. */
  take(state: string): PendingSignIn | null {
    const pending = this.byState.get(state);
    if (!pending) return null;
    this.byState.delete(state);
    return pending.expiresAt > this.now() ? pending : null;
  }

  get size(): number {
    return this.byState.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, pending] of this.byState) if (pending.expiresAt <= now) this.byState.delete(state);
  }
}
