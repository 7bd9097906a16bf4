import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool, type WriteAt } from '../../../gateway/images/spool.js';
import { seededRandom } from '../../../base/common/random.js';
import { tempDir } from '../../helpers/temp-dir.js';

const blob = (seed: number, length = 1000) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i) & 0xff);
const onDisk = (spool: Spool) => readdirSync(spool.dir).reduce((n, file) => n + statSync(join(spool.dir, file)).size, 0);

describe('the spool: entries in append-only segment files', () => {
  it('reads back what was written, and what was written again under the same name', () => {
    const spool = new Spool(join(tempDir(), 'spool'), { segmentBytes: 4500 });
    for (let i = 0; i < 10; i++) spool.write(`${i}`, blob(i));
    spool.write('3', blob(99, 700));
    for (let i = 0; i < 10; i++) expect(Buffer.from(spool.read(`${i}`)!).equals(Buffer.from(i === 3 ? blob(99, 700) : blob(i)))).toBe(true);
    expect(readdirSync(spool.dir).length).toBeLessThanOrEqual(3); // four entries to a segment
    spool.remove('3');
    expect(spool.read('3')).toBeNull();
  });

  it('keeps the disk within about twice the live bytes while long-lived entries sit among ones written again and again', async () => {
    // As in a training class: the simulator's series stay, storescu sends the same 20 images every second.
    const spool = new Spool(join(tempDir(), 'spool'), { segmentBytes: 64 * 1000 });
    const random = seededRandom(7);
    const kept = new Map<string, Uint8Array>();
    for (let round = 0; round < 3000; round++) {
      if (round % 10 === 0) {
        const bytes = blob(round, 500 + Math.floor(random() * 1000));
        kept.set(`sim-${round}`, bytes);
        spool.write(`sim-${round}`, bytes);
      }
      const name = `push-${round % 20}`;
      const bytes = blob(round);
      kept.set(name, bytes);
      spool.write(name, bytes);
    }
    const live = [...kept.values()].reduce((n, b) => n + b.length, 0);
    // Once the writes finished (off the event loop).
    await expect.poll(() => onDisk(spool)).toBe(spool.diskBytes);
    expect(onDisk(spool)).toBeLessThanOrEqual(2 * live + 64 * 1000 + 2000);
    for (const [name, bytes] of kept) expect(Buffer.from(spool.read(name)!).equals(Buffer.from(bytes)), name).toBe(true);
  });

  it('writes off the event loop: an entry reads back before its bytes are on disk, and one whose write fails is forgotten, and said to be lost', () => {
    // A writer whose writes finish when the test says, as libuv's thread pool would.
    const waiting: { fd: number; bytes: Uint8Array; offset: number; length: number; position: number; done: (err: Error | null, n: number) => void }[] = [];
    const writeAt: WriteAt = (fd, bytes, offset, length, position, done) => void waiting.push({ fd, bytes, offset, length, position, done });
    const lost: string[] = [];
    const written: string[] = [];
    const spool = new Spool(join(tempDir(), 'spool'), { writeAt, lost: (name) => lost.push(name), written: (name) => written.push(name) });
    spool.write('a', blob(1));
    spool.write('b', blob(2));
    spool.write('c', blob(3));
    expect(waiting).toHaveLength(3);
    // Not on disk yet: read from memory, as a copy the reader may change.
    const a = spool.read('a')!;
    expect(Buffer.from(a).equals(Buffer.from(blob(1)))).toBe(true);
    a.fill(0);
    expect(Buffer.from(spool.read('a')!).equals(Buffer.from(blob(1)))).toBe(true);
    // Written in two parts (a short write), then on disk.
    const first = waiting.shift()!;
    first.done(null, 400);
    waiting.shift()!.done(null, 0); // b: nothing written yet this time...
    expect(waiting.map((w) => [w.offset, w.length])).toEqual([
      [0, 1000], // c
      [400, 600], // the rest of a
      [0, 1000], // b again
    ]);
    const [c, restOfA, b] = waiting.splice(0);
    restOfA!.done(null, 600);
    expect(written).toEqual(['a']);
    // The disk fills up: b is lost; c was removed meanwhile, so nobody waits for it.
    spool.remove('c');
    b!.done(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), 0);
    c!.done(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), 0);
    expect(lost).toEqual(['b']);
    expect(spool.read('b')).toBeNull();
    expect(spool.read('c')).toBeNull();
  });

  it('holds at most so many bytes for writes not finished: past them, a write is made at once, on the event loop', () => {
    const waiting: (() => void)[] = [];
    const writeAt: WriteAt = (_fd, _bytes, _offset, length, _position, done) => void waiting.push(() => done(null, length));
    const spool = new Spool(join(tempDir(), 'spool'), { writeAt, maxWritingBytes: 2500 });
    for (let i = 0; i < 4; i++) spool.write(`${i}`, blob(i));
    // Two held (2,000 bytes); the third and fourth would pass 2,500: on disk at once.
    expect(waiting).toHaveLength(2);
    expect(Buffer.from(spool.read('3')!).equals(Buffer.from(blob(3)))).toBe(true);
    for (const done of waiting.splice(0)) done();
    spool.write('4', blob(4));
    expect(waiting).toHaveLength(1);
  });
});
