import { afterEach, describe, expect, it } from 'vitest';
import { formatClock } from '../../../base/common/clock.js';

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('formatClock', () => {
  it('shows the local time of day, not the UTC digits of the timestamp', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(formatClock('2026-01-01T10:00:00.000Z')).toBe('11:00:00');
    process.env.TZ = 'Pacific/Kiritimati';
    expect(formatClock('2026-01-01T10:00:05.000Z')).toBe('00:00:05');
  });

  it('shows a placeholder for what is not a time', () => {
    expect(formatClock('not a time')).toBe('--:--:--');
  });
});
