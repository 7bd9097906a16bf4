import { ErrorCode } from '../../protocol/index.js';

/**
 * Failures that an outage explains: nobody answered (a reverse proxy's 5xx at sign-in included,
 * main/core/sign-in-client.ts), the heartbeat stopped, or the reconnect budget ran out.
 * `larmor record` keeps trying after these. Everything else is a refusal by the gateway (token,
 * version, role) or a wrong argument, which trying again cannot cure.
 */
const OUTAGE_CODES: ReadonlySet<string> = new Set([ErrorCode.LINK_DOWN, ErrorCode.HEARTBEAT_LOST, ErrorCode.RECONNECT_EXHAUSTED]);

/**
 * A sign-in held back after failed guesses on the account or from the address: anyone's guesses,
 * not only ours, so a refusal for now that passes by itself. The gateway says how long to wait.
 */
const HELD_BACK: ReadonlySet<string> = new Set([ErrorCode.SIGN_IN_THROTTLED]);

/**
 * The longest wait taken on the gateway's word. Its own back-off stops doubling at 5 min
 * (gateway/accounts/sign-in-throttle.ts); a longer ask, from a gateway of another version, is
 * not followed blindly: the next try is refused again at worst.
 */
export const RETRY_AFTER_MAX_MS = 5 * 60_000;

/**
 * A lost link's reconnect presents the credential of the last sign-in. After a long run (the
 * gateway's --session-hours) or a long outage (--idle-minutes) it has run out: an outage's
 * doing too, which signing in again with the password cures.
 */
const CREDENTIAL_RAN_OUT: ReadonlySet<string> = new Set([ErrorCode.CREDENTIAL_EXPIRED, ErrorCode.CREDENTIAL_IDLE]);

function isOutage(code: string | null): boolean {
  return code === null || OUTAGE_CODES.has(code);
}

/** A reconnect refused for a failure that a fresh sign-in cures (outages and credentials that ran out). */
export function reconnectCuredBySignIn(code: string | null): boolean {
  return isOutage(code) || CREDENTIAL_RAN_OUT.has(code!);
}

/**
 * How long to wait before starting again after a start that failed, or null when it was refused
 * for good. An outage waits `backoffMs` (the recorder's doubling wait); a sign-in held back
 * waits what the gateway asked (`retryAfterS`, at most RETRY_AFTER_MAX_MS), or `backoffMs` when
 * it asked nothing usable.
 */
export function waitBeforeRetry(failure: { code: string; retryAfterS?: number | undefined }, backoffMs: number): number | null {
  if (isOutage(failure.code)) return backoffMs;
  if (!HELD_BACK.has(failure.code)) return null;
  const asked = failure.retryAfterS;
  return asked !== undefined && Number.isFinite(asked) && asked > 0 ? Math.min(asked * 1000, RETRY_AFTER_MAX_MS) : backoffMs;
}
