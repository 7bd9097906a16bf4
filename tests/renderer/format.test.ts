import { describe, expect, it } from 'vitest';
import { dicomDateToIso, formatParamValue, formatPercent, isoDateToDicom } from '../../renderer/src/logic/format.js';

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

describe('formatParamValue', () => {
  it('drops float noise and trailing zeros', () => {
    expect(formatParamValue(4.800000001)).toBe('4.8');
    expect(formatParamValue(4000)).toBe('4000');
    expect(formatParamValue(null)).toBe('');
  });
});
