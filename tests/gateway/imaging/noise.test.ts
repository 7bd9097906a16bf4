import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../base/common/random.js';
import { addRicianNoise, noiseSigma } from '../../../gateway/imaging/noise.js';

function mean(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

describe('Rician noise', () => {
  it('gives air the Rayleigh mean sigma * sqrt(pi / 2)', () => {
    const air = new Float32Array(200_000);
    addRicianNoise(air, 10, seededRandom(7));
    expect(mean(air)).toBeCloseTo(10 * Math.sqrt(Math.PI / 2), 0);
    expect(Math.min(...air.subarray(0, 10_000))).toBeGreaterThanOrEqual(0);
  });

  it("leaves a strong signal's mean nearly unbiased", () => {
    const tissue = new Float32Array(200_000).fill(1000);
    addRicianNoise(tissue, 10, seededRandom(7));
    expect(mean(tissue)).toBeGreaterThan(999);
    expect(mean(tissue)).toBeLessThan(1001);
  });

  it('is reproducible from its seed', () => {
    const a = new Float32Array(1000).fill(5);
    const b = new Float32Array(1000).fill(5);
    addRicianNoise(a, 1, seededRandom(42));
    addRicianNoise(b, 1, seededRandom(42));
    expect(a).toEqual(b);
  });

  it('gets quieter with more averages and bigger voxels', () => {
    const base = { pixelSpacingMm: 0.9, sliceThicknessMm: 5, rows: 256, columns: 256, averages: 1 };
    expect(noiseSigma({ ...base, averages: 4 })).toBeCloseTo(noiseSigma(base) / 2, 6);
    expect(noiseSigma({ ...base, sliceThicknessMm: 10 })).toBeLessThan(noiseSigma(base));
  });
});
