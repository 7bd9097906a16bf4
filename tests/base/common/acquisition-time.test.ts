import { describe, expect, it } from 'vitest';
import { formatMinSec, formatRemaining } from '../../../base/common/acquisition-time.js';

describe('formatMinSec', () => {
  it('formats seconds as m:ss with zero-padded seconds', () => {
    expect(formatMinSec(0)).toBe('0:00');
    expect(formatMinSec(25)).toBe('0:25');
    expect(formatMinSec(192)).toBe('3:12');
    expect(formatMinSec(245)).toBe('4:05');
  });
  it('keeps counting minutes past an hour instead of wrapping', () => {
    expect(formatMinSec(75 * 60 + 3)).toBe('75:03');
  });
  it('rounds to the nearest second', () => {
    expect(formatMinSec(59.4)).toBe('0:59');
    expect(formatMinSec(59.6)).toBe('1:00');
  });
  it('shows a placeholder for unknown or negative durations', () => {
    expect(formatMinSec(Number.NaN)).toBe('-:--');
    expect(formatMinSec(-1)).toBe('-:--');
    expect(formatMinSec(Number.POSITIVE_INFINITY)).toBe('-:--');
  });
});

describe('formatRemaining', () => {
  it('rounds up so a running sequence never reads 0:00', () => {
    expect(formatRemaining(0.4)).toBe('0:01');
    expect(formatRemaining(115.2)).toBe('1:56');
  });
  it('reads 0:00 only when nothing remains', () => {
    expect(formatRemaining(0)).toBe('0:00');
  });
});
