/** When `larmor record` tries again after a start that failed, and when it stops. */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { RETRY_AFTER_MAX_MS, waitBeforeRetry } from '../../../main/record/link-failure.js';

describe('waitBeforeRetry', () => {
  it('waits its own backoff after an outage', () => {
    for (const code of [ErrorCode.LINK_DOWN, ErrorCode.HEARTBEAT_LOST, ErrorCode.RECONNECT_EXHAUSTED]) expect(waitBeforeRetry({ code }, 4000)).toBe(4000);
  });

  it('waits what the gateway asks of a sign-in held back, at most RETRY_AFTER_MAX_MS, its own backoff when it asked nothing usable', () => {
    const held = ErrorCode.SIGN_IN_THROTTLED;
    expect(waitBeforeRetry({ code: held, retryAfterS: 8 }, 1000)).toBe(8000);
    expect(waitBeforeRetry({ code: held, retryAfterS: 1 }, 16_000)).toBe(1000);
    expect(waitBeforeRetry({ code: held, retryAfterS: 24 * 3600 }, 1000)).toBe(RETRY_AFTER_MAX_MS);
    expect(waitBeforeRetry({ code: held }, 2000)).toBe(2000);
    expect(waitBeforeRetry({ code: held, retryAfterS: 0 }, 2000)).toBe(2000);
    expect(waitBeforeRetry({ code: held, retryAfterS: -5 }, 2000)).toBe(2000);
  });

  it('gives up on a refusal that trying again cannot cure', () => {
    for (const code of [ErrorCode.SIGN_IN_FAILED, ErrorCode.UNAUTHENTICATED, ErrorCode.VERSION_MISMATCH, ErrorCode.ROLE_FORBIDDEN, ErrorCode.INTERNAL])
      expect(waitBeforeRetry({ code, retryAfterS: 1 }, 1000)).toBeNull();
  });
});
