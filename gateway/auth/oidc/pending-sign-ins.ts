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
export const MAX_PENDING = 1000;
/**
 * Sign-ins in flight from one network address. A ward behind NAT is one address with several
 * people signing in at once, so more than one; but anyone may call /auth/oidc/start without
 * signing in, so an address that starts more pushes out only its own oldest sign-ins.
 */
export const MAX_PENDING_PER_ADDRESS = 16;

/**
 * In-flight sign-ins keyed by state; each is taken at most once (a replayed callback finds
 * nothing). Counted by the address that started them: a flood of starts from one address cannot
 * push out a sign-in someone at another address is in the middle of.
 */
export class PendingSignIns {
  private readonly byState = new Map<string, { pending: PendingSignIn; address: string }>();
  /** The states each address has in flight, oldest first (a Set keeps insertion order). */
  private readonly byAddress = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Remember a sign-in started from `address` (the peer's network address). */
  add(entry: Omit<PendingSignIn, 'browserBinding' | 'expiresAt'>, address: string): PendingSignIn {
    this.sweep();
    const own = this.byAddress.get(address);
    if (own && own.size >= MAX_PENDING_PER_ADDRESS) this.delete(own.values().next().value!);
    else if (this.byState.size >= MAX_PENDING) this.delete(this.byAddress.get(this.busiestAddress())!.values().next().value!);
    const pending = { ...entry, browserBinding: randomBytes(32).toString('base64url'), expiresAt: this.now() + SIGN_IN_TTL_MS };
    this.byState.set(entry.state, { pending, address });
    let states = this.byAddress.get(address);
    if (!states) this.byAddress.set(address, (states = new Set()));
    states.add(entry.state);
    return pending;
  }

  /** Remove and return the sign-in for this state, if it exists and has not expired. */
  take(state: string): PendingSignIn | null {
    const held = this.byState.get(state);
    if (!held) return null;
    this.delete(state);
    return held.pending.expiresAt > this.now() ? held.pending : null;
  }

  get size(): number {
    return this.byState.size;
  }

  /** Sign-ins in flight from `address`. */
  countFrom(address: string): number {
    return this.byAddress.get(address)?.size ?? 0;
  }

  /**
   * With every address under its own cap and the whole full (many addresses starting at once),
   * room is made at the address with the most in flight: the many starts of a few addresses go
   * before the one sign-in of a person. Of addresses with as many, the one that started first.
   */
  private busiestAddress(): string {
    let busiest = '';
    let most = 0;
    for (const [address, states] of this.byAddress) {
      if (states.size > most) [busiest, most] = [address, states.size];
    }
    return busiest;
  }

  private delete(state: string): void {
    const held = this.byState.get(state);
    if (!held) return;
    this.byState.delete(state);
    const states = this.byAddress.get(held.address)!;
    states.delete(state);
    if (states.size === 0) this.byAddress.delete(held.address);
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, held] of this.byState) if (held.pending.expiresAt <= now) this.delete(state);
  }
}
