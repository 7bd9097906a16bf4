import { describe, expect, it } from 'vitest';
import { acquisitionTimeS, concatenations, imagesInSeries } from '../../../gateway/simulator/acquisition-time.js';
import { findTemplate, PROTOCOL_LIBRARY } from '../../../gateway/simulator/protocol-library.js';

describe('acquisition time', () => {
  it('is TR x phase lines x averages for a spin echo whose slices fit in one TR', () => {
    const t1 = findTemplate('t1-se-ax')!;
    expect(concatenations(t1.kind, t1.params)).toBe(1);
    // 550 ms x 192 lines x 2 averages = 211.2 s
    expect(t1.acquisitionTimeS).toBeCloseTo(211.2, 1);
  });

  it('divides by the echo train length for turbo spin echo', () => {
    const t2 = findTemplate('t2-tse-ax')!;
    // 4000 ms x ceil(256 / 11) shots x 2 averages = 192 s
    expect(t2.acquisitionTimeS).toBeCloseTo(192, 1);
  });

  it('needs more TR passes when the slices do not fit in one TR', () => {
    const flair = findTemplate('flair-ax')!;
    // TR 9000, TI 2500: 6500 ms for slots of 15 echoes x 10 ms + 8 ms = 41 slices per TR
    expect(concatenations(flair.kind, flair.params)).toBe(1);
    expect(concatenations(flair.kind, { ...flair.params, slices: 60 })).toBe(2);
    expect(acquisitionTimeS(flair.kind, { ...flair.params, slices: 60 })).toBeCloseTo(2 * flair.acquisitionTimeS, 1);
  });

  it('doubles when the averages double', () => {
    const t1 = findTemplate('t1-se-ax')!;
    const doubled = acquisitionTimeS(t1.kind, { ...t1.params, averages: 4 });
    expect(doubled).toBeCloseTo(2 * t1.acquisitionTimeS, 1);
  });

  it('counts one image per slice and b-value for diffusion', () => {
    const dwi = findTemplate('dwi-ax')!;
    expect(imagesInSeries(dwi.kind, dwi.params)).toBe(40);
  });

  it('gives every library protocol a plausible clinical duration', () => {
    for (const t of PROTOCOL_LIBRARY) {
      expect(t.acquisitionTimeS, t.id).toBeGreaterThan(5);
      expect(t.acquisitionTimeS, t.id).toBeLessThan(600);
    }
  });
});
