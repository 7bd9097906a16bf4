import { describe, expect, it } from 'vitest';
import type { ImageDecodeResult } from '../../../main/core/workstation-core.js';
import { FocusedFirstDecoder } from '../../../main/desk/focused-first-decoder.js';

describe('one decode pool for the desk, the focused scanner first', () => {
  it.each([
    [1, [1, 9, 2, 3]],
    [2, [1, 2, 9, 3]],
  ])('decodes a focused frame before the other scanners’ frames already waiting (%i at once)', async (concurrency, expected) => {
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const decode = (frame: Uint8Array) =>
      new Promise<ImageDecodeResult>((resolve) => {
        order.push(frame[0]!);
        gates.push(() => resolve({ ok: false, seq: frame[0]!, code: 'x', message: 'x' }));
      });
    const pool = new FocusedFirstDecoder(decode, concurrency);
    let focused = false;
    const other = pool.decoderFor(() => false);
    const mine = pool.decoderFor(() => focused);
    const results = [other(new Uint8Array([1])), other(new Uint8Array([2])), other(new Uint8Array([3]))];
    focused = true;
    results.push(mine(new Uint8Array([9])));
    await Promise.resolve();
    await Promise.resolve();
    // The frames already with the pool (1, or 1 and 2) go first; the focused 9 next, ahead of the rest.
    while (order.length < 4) {
      await new Promise((r) => setTimeout(r, 0));
      gates.shift()?.();
    }
    for (const open of gates.splice(0)) open(); // every frame has started: let the rest finish
    await Promise.all(results);
    expect(order).toEqual(expected);
  });

  it('passes a decoder failure to that frame alone', async () => {
    const pool = new FocusedFirstDecoder(() => Promise.reject(new Error('worker died')), 1);
    await expect(pool.decoderFor(() => true)(new Uint8Array([1]))).rejects.toThrow('worker died');
    const ok = new FocusedFirstDecoder((frame) => ({ ok: false, seq: frame[0]!, code: 'c', message: 'm' }), 1);
    await expect(ok.decoderFor(() => false)(new Uint8Array([4]))).resolves.toMatchObject({ seq: 4 });
  });
});
