import { describe, expect, it } from 'vitest';
import { clearPhantomCache, phantomSlice, PHANTOM_SLAB_CENTRE_Z_MM, type SliceGeometry } from '../../../gateway/imaging/phantom.js';
import { Tissue } from '../../../gateway/imaging/tissues.js';

const geometry = (over: Partial<SliceGeometry> = {}): SliceGeometry => ({
  rows: 256,
  columns: 256,
  rowSpacingMm: 230 / 256,
  columnSpacingMm: 230 / 256,
  sliceThicknessMm: 5,
  zMm: PHANTOM_SLAB_CENTRE_Z_MM,
  ...over,
});

function pureCounts(g: SliceGeometry): number[] {
  const s = phantomSlice(g);
  const counts = new Array(8).fill(0);
  for (let i = 0; i < s.tissueA.length; i++) if (s.fractionB[i] === 0) counts[s.tissueA[i]]++;
  return counts;
}

describe('head phantom', () => {
  it('shows background, fat, white and grey matter, CSF and bone in a slice through the ventricles', () => {
    const counts = pureCounts(geometry());
    for (const t of [Tissue.background, Tissue.fat, Tissue.whiteMatter, Tissue.greyMatter, Tissue.csf, Tissue.bone]) {
      expect(counts[t], `tissue ${t}`).toBeGreaterThan(100);
    }
  });

  it('has air in the image corners and white matter at the centre of the brain, anterior at the top', () => {
    const s = phantomSlice(geometry());
    expect(s.tissueA[0]).toBe(Tissue.background);
    // 25 mm anterior of centre, 25 mm right: centrum semiovale-like white matter, not ventricle
    const row = Math.round(127.5 - 25 / (230 / 256));
    const col = Math.round(127.5 - 35 / (230 / 256));
    expect(s.tissueA[row * 256 + col]).toBe(Tissue.whiteMatter);
  });

  it('has partial-volume pixels at tissue boundaries', () => {
    const s = phantomSlice(geometry());
    const mixed = s.fractionB.filter((f) => f > 20 && f < 235).length;
    expect(mixed).toBeGreaterThan(1000);
  });

  it('is empty above the head', () => {
    const counts = pureCounts(geometry({ zMm: 200 }));
    expect(counts[Tissue.background]).toBe(256 * 256);
  });

  it('caches a slice map per geometry and recomputes it for another', () => {
    clearPhantomCache();
    const a = phantomSlice(geometry());
    expect(phantomSlice(geometry())).toBe(a);
    expect(phantomSlice(geometry({ rows: 128, columns: 128, rowSpacingMm: 230 / 128, columnSpacingMm: 230 / 128 }))).not.toBe(a);
  });
});
