import { ErrorCode } from '../../protocol/index.js';

/**
 * Failures that an outage explains: nobody answered, the heartbeat stopped, or the reconnect
 * budget ran out. `larmor record` keeps trying after these. Everything else is a refusal by the
 * gateway (token, version, role) or a wrong argument, which trying again cannot cure.
 */
const OUTAGE_CODES: ReadonlySet<string> = new Set([ErrorCode.LINK_DOWN, ErrorCode.HEARTBEAT_LOST, ErrorCode.RECONNECT_EXHAUSTED]);

export function isOutage(code: string | null): boolean {
  return code === null || OUTAGE_CODES.has(code);
}
