/**
 * A synthetic multi-frame 16-bit MR series for benchmarks: an elliptical head with smoothly
 * varying 12-bit tissue intensities and noise, surrounded by low background noise, and zero
 * (masked) outside a circular field of view; RLE compresses it about 2.5x, like real MR images.
 */
export interface Phantom {
  rows: number;
  columns: number;
  frames: number;
}

export function makePhantomFrames(phantom: Phantom, seed = 1): Uint8Array {
  const { rows, columns, frames } = phantom;
  const out = new Uint16Array(rows * columns * frames);
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let f = 0; f < frames; f++) {
    const slice = f / frames - 0.5;
    const scale = Math.sqrt(Math.max(0.05, 1 - 2.5 * slice * slice));
    for (let y = 0; y < rows; y++) {
      const dy = (y / rows - 0.5) / (0.45 * scale);
      for (let x = 0; x < columns; x++) {
        const dx = (x / columns - 0.5) / (0.36 * scale);
        const r2 = dx * dx + dy * dy;
        const fx = x / columns - 0.5;
        const fy = y / rows - 0.5;
        // Outside the reconstructed circle the scanner writes zeros; inside, air is noise.
        let value = fx * fx + fy * fy > 0.2 ? 0 : Math.round(Math.abs(random() + random() - 1) * 14);
        if (r2 < 1) {
          const skull = r2 > 0.85 ? 2600 : 0;
          const tissue = 900 + 500 * Math.sin(6 * dx + f * 0.05) * Math.cos(5 * dy) + 300 * (1 - r2);
          value = Math.round(skull + tissue + (random() + random() + random() - 1.5) * 24);
        }
        out[(f * rows + y) * columns + x] = Math.max(0, Math.min(4095, value));
      }
    }
  }
  return new Uint8Array(out.buffer);
}
