import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../../gateway/accounts/sign-in-throttle.js';

describe('sign-in back-off', () => {
  it('lets the free failures through, then doubles the wait with each further failure, up to the cap', () => {
    let now = 0;
    const throttle = new SignInThrottle({ freeFailures: 2, firstDelayMs: 1000, maxDelayMs: 3000 }, () => now);
    throttle.failed('jane');
    throttle.failed('jane');
    expect(throttle.waitMs('jane')).toBe(0);
    throttle.failed('jane');
    expect(throttle.waitMs('jane')).toBe(1000);
    throttle.failed('jane');
    expect(throttle.waitMs('jane')).toBe(2000);
    throttle.failed('jane');
    expect(throttle.waitMs('jane')).toBe(3000);
    now = 3000;
    expect(throttle.waitMs('jane')).toBe(0);
    expect(throttle.waitMs('someone-else')).toBe(0);
  });

  it("forgets an account's failures after it signs in", () => {
    const throttle = new SignInThrottle({ freeFailures: 0, firstDelayMs: 1000, maxDelayMs: 1000 });
    throttle.failed('jane');
    expect(throttle.waitMs('jane')).toBeGreaterThan(0);
    throttle.succeeded('jane');
    expect(throttle.waitMs('jane')).toBe(0);
  });
});
