import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../../gateway/images/spool.js';
import { seededRandom } from '../../../base/common/random.js';
import { tempDir } from '../../helpers/temp-dir.js';

const blob = (seed: number, length = 1000) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i) & 0xff);
const onDisk = (spool: Spool) => readdirSync(spool.dir).reduce((n, file) => n + statSync(join(spool.dir, file)).size, 0);

describe('the spool: entries in append-only segment files', () => {
  it('reads back what was written, and what was written again under the same name', () => {
    const spool = new Spool(join(tempDir(), 'spool'), 4500);
    for (let i = 0; i < 10; i++) spool.write(`${i}`, blob(i));
    spool.write('3', blob(99, 700));
    for (let i = 0; i < 10; i++) expect(Buffer.from(spool.read(`${i}`)!).equals(Buffer.from(i === 3 ? blob(99, 700) : blob(i)))).toBe(true);
    expect(readdirSync(spool.dir).length).toBeLessThanOrEqual(3); // four entries to a segment
    spool.remove('3');
    expect(spool.read('3')).toBeNull();
  });

  it('keeps the disk within about twice the live bytes while long-lived entries sit among ones written again and again', () => {
    // As in a training class: the simulator's series stay, storescu sends the same 20 images every second.
    const spool = new Spool(join(tempDir(), 'spool'), 64 * 1000);
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
    expect(spool.diskBytes).toBe(onDisk(spool));
    expect(onDisk(spool)).toBeLessThanOrEqual(2 * live + 64 * 1000 + 2000);
    for (const [name, bytes] of kept) expect(Buffer.from(spool.read(name)!).equals(Buffer.from(bytes)), name).toBe(true);
  });
});
