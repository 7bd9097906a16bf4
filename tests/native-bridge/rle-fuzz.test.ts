import { describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { implementations } from './support/implementations.js';

// A bounded run for CI; bench/rle/fuzz.ts runs the long one.
const CASES = 20000;

describe('RLE decoder fuzzing', () => {
  it(`answers ${CASES} mutated frames with a correct output or a typed error, alike in every implementation`, () => {
    const report = fuzz(
      implementations.map(([, codec]) => codec),
      CASES,
      20261129,
    );
    expect(report.failures).toEqual([]);
    // The mutations reach the decoder's run checks, not just the header checks.
    expect(Object.keys(report.codes).length).toBeGreaterThanOrEqual(6);
  });
});
