import { describe, expect, it } from 'vitest';
import { tissueSignal, tissueSignalTable } from '../../../gateway/imaging/signal.js';
import { TISSUES_1_5T, Tissue } from '../../../gateway/imaging/tissues.js';
import { PARAMS } from './fixtures.js';

const table = (which: keyof typeof PARAMS, bValue = 0) => tissueSignalTable({ ...PARAMS[which], bValue });

describe('signal equations', () => {
  it('makes white matter brighter than CSF on a T1-weighted spin echo', () => {
    const s = table('t1');
    expect(s[Tissue.whiteMatter]).toBeGreaterThan(2 * s[Tissue.csf]);
    expect(s[Tissue.whiteMatter]).toBeGreaterThan(s[Tissue.greyMatter]);
    expect(s[Tissue.fat]).toBeGreaterThan(s[Tissue.whiteMatter]);
  });

  it('makes CSF brighter than white matter, and grey brighter than white, on a T2-weighted TSE', () => {
    const s = table('t2');
    expect(s[Tissue.csf]).toBeGreaterThan(2 * s[Tissue.whiteMatter]);
    expect(s[Tissue.greyMatter]).toBeGreaterThan(s[Tissue.whiteMatter]);
  });

  it('nulls CSF with FLAIR (TI 2500 ms at TR 9000 ms) while tissue stays visible', () => {
    const s = table('flair');
    expect(s[Tissue.csf]).toBeLessThan(0.1 * s[Tissue.whiteMatter]);
    expect(s[Tissue.greyMatter]).toBeGreaterThan(s[Tissue.whiteMatter]);
  });

  it('attenuates CSF far more than white matter at b = 1000 s/mm2 and suppresses fat', () => {
    const b0 = table('dwi', 0);
    const b1000 = table('dwi', 1000);
    const csfDecay = b1000[Tissue.csf] / b0[Tissue.csf];
    const wmDecay = b1000[Tissue.whiteMatter] / b0[Tissue.whiteMatter];
    expect(csfDecay).toBeCloseTo(Math.exp(-3), 5);
    expect(wmDecay).toBeCloseTo(Math.exp(-0.7), 5);
    expect(b0[Tissue.fat]).toBeLessThan(0.1 * b0[Tissue.whiteMatter]);
  });

  it('follows the Ernst equation for a spoiled gradient echo', () => {
    const wm = TISSUES_1_5T[Tissue.whiteMatter];
    const params = { trMs: 100, teMs: 0, tiMs: null, flipAngleDeg: 0 };
    const e1 = Math.exp(-100 / wm.t1Ms);
    const ernst = (Math.acos(e1) * 180) / Math.PI;
    const at = (deg: number) => tissueSignal(wm, { kind: 'GRE', params: { ...params, flipAngleDeg: deg }, bValue: 0 });
    expect(at(ernst)).toBeGreaterThan(at(ernst - 10));
    expect(at(ernst)).toBeGreaterThan(at(ernst + 10));
  });

  it('gives no signal for air', () => {
    expect(table('t2')[Tissue.background]).toBe(0);
  });

  it('refuses inversion recovery without an inversion time, with a stable code', () => {
    expect(() => tissueSignalTable({ kind: 'IR-TSE', params: { ...PARAMS.flair.params, tiMs: null }, bValue: 0 })).toThrow(
      expect.objectContaining({ code: 'LARMOR_E_IMAGE_INVALID_SEQUENCE' }),
    );
  });
});
