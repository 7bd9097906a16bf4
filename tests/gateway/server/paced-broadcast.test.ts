import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedBroadcast } from '../../../gateway/server/paced-broadcast.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('PacedBroadcast', () => {
  it('sends at once at a quiet time, then the changes made meanwhile together, when it next may', async () => {
    const sent: number[] = [];
    let state = 0;
    const paced = new PacedBroadcast(() => (sent.push(state), 1_000), { minIntervalMs: 250, bytesPerSecond: 1_000_000 });
    state = 1;
    paced.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([1]);
    for (state = 2; state <= 5; state++) paced.request();
    await vi.advanceTimersByTimeAsync(249);
    expect(sent).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    // One message for four changes, of how things are when it goes.
    expect(sent).toEqual([1, 6]);
    // Quiet for long enough: the next goes at once again.
    await vi.advanceTimersByTimeAsync(1_000);
    state = 7;
    paced.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([1, 6, 7]);
    paced.close();
  });

  it('waits longer after a large message: no faster than its rate of bytes', async () => {
    let sends = 0;
    const paced = new PacedBroadcast(() => (sends++, 1_100_000), { minIntervalMs: 250, bytesPerSecond: 256 * 1024 });
    paced.request();
    await vi.advanceTimersByTimeAsync(0);
    paced.request();
    // 1.1 MB at 256 KiB a second: 4.2 s.
    await vi.advanceTimersByTimeAsync(4_100);
    expect(sends).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sends).toBe(2);
    paced.close();
  });

  it('sends nothing once closed', async () => {
    let sends = 0;
    const paced = new PacedBroadcast(() => (sends++, 10), { minIntervalMs: 250, bytesPerSecond: 1_000 });
    paced.request();
    paced.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sends).toBe(0);
  });
});
