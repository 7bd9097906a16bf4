import { describe, expect, it } from 'vitest';
import { ObjectBuffers } from '../../../gateway/dicom-scp/object-buffers.js';

describe('buffers for received objects', () => {
  it('hands a released buffer out again for an object of about its size, and a new one otherwise', () => {
    const buffers = new ObjectBuffers();
    const first = buffers.take(1000);
    expect(first.byteLength).toBe(1000);
    buffers.release(first.buffer);
    expect(buffers.take(900).buffer).toBe(first.buffer); // big enough, at most twice the size
    buffers.release(first.buffer);
    expect(buffers.take(400).buffer).not.toBe(first.buffer); // more than twice the size: kept for a larger object
    expect(buffers.take(1001).buffer).not.toBe(first.buffer); // too small
  });

  it('keeps a bounded number of buffers, none too large, and ignores detached ones', () => {
    const buffers = new ObjectBuffers(2, 4096);
    const [a, b, c] = [buffers.take(100), buffers.take(100), buffers.take(100)];
    for (const buffer of [a, b, c]) buffers.release(buffer.buffer);
    const again = [buffers.take(100).buffer, buffers.take(100).buffer, buffers.take(100).buffer];
    expect(again.filter((buffer) => buffer === a.buffer || buffer === b.buffer || buffer === c.buffer)).toHaveLength(2);
    const large = buffers.take(8192);
    buffers.release(large.buffer);
    expect(buffers.take(8192).buffer).not.toBe(large.buffer);
    const moved = buffers.take(100);
    structuredClone(moved, { transfer: [moved.buffer] }); // detached, as after a transfer to a worker
    buffers.release(moved.buffer);
    expect(buffers.take(100).byteLength).toBe(100);
  });
});
