import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../../gateway/accounts/sign-in-throttle.js';

describe('sign-in back-off', () => {
  it('lets the free failures through, then doubles the wait with each further failure, up to the cap', () => {
    let now = 0;
    const throttle = new SignInThrottle({ freeFailures: 2, firstDelayMs: 1000, maxDelayMs: 3000, maxConcurrent: 2, maxWaiting: 0 }, () => now);
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
    const throttle = new SignInThrottle({ freeFailures: 0, firstDelayMs: 1000, maxDelayMs: 1000, maxConcurrent: 1, maxWaiting: 0 });
    throttle.failed('jane');
    expect(throttle.waitMs('jane')).toBeGreaterThan(0);
    throttle.succeeded('jane');
    expect(throttle.waitMs('jane')).toBe(0);
  });

  it('checks at most maxConcurrent tries of a key at once, no more than its free tries left, and one at a time after those', async () => {
    const throttle = new SignInThrottle({ freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 1000, maxConcurrent: 2, maxWaiting: 0 }, () => 0);
    const first = (await throttle.begin('jane'))!;
    const second = (await throttle.begin('jane'))!;
    expect(await throttle.begin('jane')).toBeNull();
    expect(await throttle.begin('john')).not.toBeNull(); // keys are apart
    first();
    first(); // ending twice frees one place only
    const third = (await throttle.begin('jane'))!;
    expect(await throttle.begin('jane')).toBeNull();
    throttle.failed('jane');
    throttle.failed('jane');
    second();
    third();
    // One free try left: one at a time, so the free tries cannot be spent several times over.
    const last = (await throttle.begin('jane'))!;
    expect(await throttle.begin('jane')).toBeNull();
    throttle.failed('jane');
    last();
    expect(await throttle.begin('jane')).not.toBeNull();
    expect(await throttle.begin('jane')).toBeNull();
  });

  it('lets maxWaiting tries wait their turn, in order, and holds back any more', async () => {
    const throttle = new SignInThrottle({ freeFailures: 5, firstDelayMs: 1000, maxDelayMs: 1000, maxConcurrent: 1, maxWaiting: 2 }, () => 0);
    const started: string[] = [];
    const first = (await throttle.begin('nat'))!;
    const waiting = ['a', 'b'].map((name) => throttle.begin('nat').then((end) => (started.push(name), end!)));
    expect(await throttle.begin('nat')).toBeNull();
    await Promise.resolve();
    expect(started).toEqual([]);
    first();
    const a = await waiting[0]!;
    expect(started).toEqual(['a']);
    a();
    (await waiting[1]!)();
    expect(started).toEqual(['a', 'b']);
    expect(await throttle.begin('nat')).not.toBeNull();
  });

  it('remembers failures of a bounded number of keys, forgetting the one that failed longest ago', () => {
    const throttle = new SignInThrottle({ freeFailures: 0, firstDelayMs: 1000, maxDelayMs: 1000, maxConcurrent: 1, maxWaiting: 0 }, () => 0, 2);
    throttle.failed('a');
    throttle.failed('b');
    throttle.failed('a'); // a failed again: b is now the oldest
    throttle.failed('c');
    expect([throttle.waitMs('a'), throttle.waitMs('b'), throttle.waitMs('c')]).toEqual([1000, 0, 1000]);
  });
});
