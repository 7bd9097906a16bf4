import { describe, expect, it } from 'vitest';
import {
  dicomDateToIso,
  formatClock,
  formatMinSec,
  formatParamValue,
  formatPercent,
  formatRemaining,
  isoDateToDicom,
} from '../../renderer/src/logic/format.js';

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

describe('formatPercent', () => {
  it('rounds and clamps a 0..1 fraction', () => {
    expect(formatPercent(0.4)).toBe('40%');
    expect(formatPercent(1.2)).toBe('100%');
    expect(formatPercent(-0.1)).toBe('0%');
    expect(formatPercent(Number.NaN)).toBe('0%');
  });
});

describe('DICOM dates', () => {
  it('converts DA to an ISO date and back', () => {
    expect(dicomDateToIso('19790412')).toBe('1979-04-12');
    expect(isoDateToDicom('1979-04-12')).toBe('19790412');
  });
  it('treats empty or malformed dates as absent', () => {
    expect(dicomDateToIso(null)).toBe('');
    expect(dicomDateToIso('1979-04')).toBe('');
    expect(isoDateToDicom('')).toBeNull();
    expect(isoDateToDicom('12/04/1979')).toBeNull();
  });
});

describe('formatClock', () => {
  it('formats a valid ISO time as hh:mm:ss and an invalid one as a placeholder', () => {
    expect(formatClock('2026-01-01T10:00:00.000Z')).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(formatClock('not a time')).toBe('--:--:--');
  });
});

describe('formatParamValue', () => {
  it('drops float noise and trailing zeros', () => {
    expect(formatParamValue(4.800000001)).toBe('4.8');
    expect(formatParamValue(4000)).toBe('4000');
    expect(formatParamValue(null)).toBe('');
  });
});
