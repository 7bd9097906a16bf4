import { ErrorCode } from '../../protocol/index.js';

/**
 * Failures that an outage explains: nobody answered, the heartbeat stopped, or the reconnect
 * budget ran out. `larmor record` keeps trying after these. Everything else is a refusal by the
 * gateway (token, version, role) or a wrong argument, which trying again cannot cure.
 */
const OUTAGE_CODES: ReadonlySet<string> = new Set([ErrorCode.LINK_DOWN, ErrorCode.HEARTBEAT_LOST, ErrorCode.RECONNECT_EXHAUSTED]);

/**
 * A lost link's reconnect presents the credential of the last sign-in. After a long run (the
 * gateway's --session-hours) or a long outage (--idle-minutes) it has run out: an outage's
 * doing too, which signing in again with the password cures.
 */
const CREDENTIAL_RAN_OUT: ReadonlySet<string> = new Set([ErrorCode.CREDENTIAL_EXPIRED, ErrorCode.CREDENTIAL_IDLE]);

export function isOutage(code: string | null): boolean {
  return code === null || OUTAGE_CODES.has(code);
}

/** A reconnect refused for a failure that a fresh sign-in cures (outages and credentials that ran out). */
export function reconnectCuredBySignIn(code: string | null): boolean {
  return isOutage(code) || CREDENTIAL_RAN_OUT.has(code!);
}
