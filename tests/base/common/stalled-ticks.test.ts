import { describe, expect, it } from 'vitest';
import { StalledTicks } from '../../../base/common/stalled-ticks.js';

describe('StalledTicks', () => {
  it('reports a tick far behind its time as the stall, and timer jitter as none', () => {
    const ticks = new StalledTicks(50, 100, 0);
    expect(ticks.stalledMs(60)).toBe(0);
    expect(ticks.stalledMs(2110)).toBe(2000);
    expect(ticks.stalledMs(2160)).toBe(0);
  });
});
