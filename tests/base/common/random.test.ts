import { describe, expect, it } from 'vitest';
import { hashSeed, seededRandom } from '../../../base/common/random.js';

describe('seededRandom', () => {
  it('repeats its sequence for the same seed', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('gives numbers in [0, 1) that differ between seeds', () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(a()).not.toBe(b());
  });
});

describe('hashSeed', () => {
  it('is stable for a name and differs between names', () => {
    expect(hashSeed('series-1/3')).toBe(hashSeed('series-1/3'));
    expect(hashSeed('series-1/3')).not.toBe(hashSeed('series-1/4'));
  });
});
