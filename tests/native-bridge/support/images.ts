/** Deterministic test images: flat, noisy and MR-like content from a seeded PRNG. */
import { seededRandom } from '../../../base/common/random.js';

type Content = 'flat' | 'noisy' | 'mr';

export interface TestImage {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16 | 32;
  planarConfiguration: 0 | 1;
  frames: number;
  content: Content;
  seed: number;
}

/** mulberry32, the seeded PRNG the workstation uses for backoff jitter: reproducible test content. */
export const prng = seededRandom;

/** Native little-endian pixel bytes of all frames, laid out per planarConfiguration. */
export function makePixels(image: TestImage): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated, frames, content } = image;
  const bytes = bitsAllocated / 8;
  const random = prng(image.seed);
  const count = rows * columns * samplesPerPixel * frames;
  const out = new Uint8Array(count * bytes);
  const view = new DataView(out.buffer);
  const max = bitsAllocated === 32 ? 0xffffffff : 2 ** bitsAllocated - 1;
  for (let i = 0; i < count; i++) {
    let value: number;
    if (content === 'flat') value = Math.floor(max / 3);
    else if (content === 'noisy') value = Math.floor(random() * (max + 1));
    else {
      // MR-like: smooth anatomy-ish gradient in 12 bits, background zeros, small noise.
      const pixel = i % (rows * columns);
      const y = Math.floor(pixel / columns) / rows - 0.5;
      const x = (pixel % columns) / columns - 0.5;
      const r = Math.sqrt(x * x + y * y);
      value = r > 0.4 ? 0 : Math.floor(2000 * (1 - r) + random() * 40);
      value = Math.min(value, max);
    }
    const at = i * bytes;
    if (bytes === 1) out[at] = value;
    else if (bytes === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
  }
  return out;
}
