import { describe, expect, it } from 'vitest';
import { PARAM_FIELDS, checkDraft, hasChanges, validateParam } from '../../renderer/src/logic/params.js';
import { FLAIR_PARAMS, LIMITS, T2_PARAMS } from './fixtures.js';

const field = (key: string) => PARAM_FIELDS.find((f) => f.key === key)!;
const t2 = { kind: 'TSE' as const, params: T2_PARAMS };

describe('validateParam', () => {
  it('accepts a value inside the published range on the step grid', () => {
    expect(validateParam(field('trMs'), '3500.5', LIMITS.trMs)).toBeNull();
    expect(validateParam(field('matrixRows'), '320', LIMITS.matrixRows)).toBeNull();
  });
  it('names the range when a value is outside it', () => {
    expect(validateParam(field('trMs'), '40000', LIMITS.trMs)).toBe('2–15000');
    expect(validateParam(field('averages'), '0', LIMITS.averages)).toBe('1–8');
  });
  it('refuses values off the step grid', () => {
    expect(validateParam(field('matrixRows'), '300', LIMITS.matrixRows)).toBe('Steps of 16');
    expect(validateParam(field('sliceThicknessMm'), '2.55', LIMITS.sliceThicknessMm)).toBe('Steps of 0.1');
  });
  it('accepts decimal steps despite binary float error', () => {
    expect(validateParam(field('sliceThicknessMm'), '0.3', { min: 0.1, max: 1, step: 0.1 })).toBeNull();
  });
  it('requires whole numbers for counts', () => {
    expect(validateParam(field('slices'), '20.5', LIMITS.slices)).toBe('Whole number');
  });
  it('refuses empty and non-numeric text', () => {
    expect(validateParam(field('teMs'), '  ', LIMITS.teMs)).toBe('Required');
    expect(validateParam(field('teMs'), '9O', LIMITS.teMs)).toBe('Not a number');
  });
  it('refuses editing a parameter the scanner publishes no limits for', () => {
    expect(validateParam(field('teMs'), '90', undefined)).toBe('No limits published for this parameter');
  });
});

describe('PARAM_FIELDS', () => {
  it('shows TI only for sequences that have an inversion time', () => {
    expect(field('tiMs').appliesTo('TSE', T2_PARAMS)).toBe(false);
    expect(field('tiMs').appliesTo('IR-TSE', FLAIR_PARAMS)).toBe(true);
  });
  it('shows ETL only for turbo spin echo families', () => {
    expect(field('echoTrainLength').appliesTo('TSE', T2_PARAMS)).toBe(true);
    expect(field('echoTrainLength').appliesTo('GRE', T2_PARAMS)).toBe(false);
  });
});

describe('checkDraft', () => {
  it('turns changed fields into sequence.edit changes and leaves unchanged ones out', () => {
    const check = checkDraft(t2, { slices: '24', teMs: '98' }, LIMITS);
    expect(check).toEqual({ errors: {}, changes: { slices: 24 } });
    expect(hasChanges(check)).toBe(true);
  });
  it('sends nothing while any field is invalid', () => {
    const check = checkDraft(t2, { slices: '24', averages: '9' }, LIMITS);
    expect(check.errors).toEqual({ averages: '1–8' });
    expect(check.changes).toEqual({});
    expect(hasChanges(check)).toBe(false);
  });
  it('refuses a TE that is not shorter than TR', () => {
    const check = checkDraft(t2, { trMs: '90' }, LIMITS);
    expect(check.errors.teMs).toBe('TE must be shorter than TR');
  });
  it('ignores draft fields that do not apply to the sequence family', () => {
    const check = checkDraft(t2, { tiMs: '900' }, LIMITS);
    expect(check).toEqual({ errors: {}, changes: {} });
    expect(hasChanges(check)).toBe(false);
  });
  it('edits TI of an inversion-recovery sequence', () => {
    expect(checkDraft({ kind: 'IR-TSE', params: FLAIR_PARAMS }, { tiMs: '2200' }, LIMITS).changes).toEqual({ tiMs: 2200 });
  });
});
