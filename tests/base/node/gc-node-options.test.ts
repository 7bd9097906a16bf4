import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gcNodeOptions, missingGcNodeOptions } from '../../../base/node/gc-node-options.js';

describe('the collection options of a process doing the gateway’s work', () => {
  it('floors the old generation on any machine, and collects on its own threads on two cores or fewer', () => {
    expect(gcNodeOptions(1)).toEqual(['--single-threaded-gc', '--initial-old-space-size=64']);
    expect(gcNodeOptions(2)).toEqual(['--single-threaded-gc', '--initial-old-space-size=64']);
    expect(gcNodeOptions(4)).toEqual(['--initial-old-space-size=64']);
  });

  it('tells which of them a process was started without', () => {
    expect(missingGcNodeOptions(['--import', 'tsx'], 2)).toEqual(['--single-threaded-gc', '--initial-old-space-size=64']);
    expect(missingGcNodeOptions(['--single-threaded-gc'], 2)).toEqual(['--initial-old-space-size=64']);
    expect(missingGcNodeOptions(['--single-threaded-gc', '--initial-old-space-size=64'], 2)).toEqual([]);
    // A larger floor given by hand is the option given.
    expect(missingGcNodeOptions(['--initial-old-space-size=512'], 8)).toEqual([]);
    expect(missingGcNodeOptions([], 8)).toEqual(['--initial-old-space-size=64']);
  });

  it('keeps the old generation from being collected for its size below the floor', () => {
    // Young and old generation garbage: without the floor, V8 would collect the whole heap long
    // before it held the floor's size (its limit follows the live heap, a few MB here).
    const script =
      'let kept = []; for (let r = 0; r < 400; r++) { for (let i = 0; i < 20000; i++) kept.push({ i, s: "x" + i }); if (kept.length > 40000) kept = kept.slice(20000); }';
    const floorMb = Number(/^--initial-old-space-size=(\d+)$/.exec(gcNodeOptions(2).at(-1)!)![1]);
    const sizes = (options: string[]) => {
      const run = spawnSync(process.execPath, [...options, '--trace-gc', '-e', script], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      // "Mark-Compact 144.3 (167.1) -> 15.7 (50.1) MB": the heap's size when a full collection started.
      return [...run.stdout.matchAll(/Mark-Compact (\d+(?:\.\d+)?) \(/g)].map((m) => Number(m[1]));
    };
    const withFloor = sizes(gcNodeOptions(2));
    expect(withFloor.length).toBeGreaterThan(0);
    expect(Math.min(...withFloor)).toBeGreaterThan(floorMb);
    expect(Math.min(...sizes(['--single-threaded-gc']))).toBeLessThan(floorMb);
  });

  it('gives options this Node takes on its command line, through collections of every kind', () => {
    // Young and old generation collections, with array buffers, as the gateway's images make.
    const script =
      'const kept = []; for (let i = 0; i < 2000; i++) { kept.push(new Uint8Array(64 * 1024)); if (kept.length > 200) kept.shift(); } globalThis.gc(); console.log("collected")';
    const run = spawnSync(process.execPath, [...gcNodeOptions(2), '--expose-gc', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('collected');
    expect(run.status).toBe(0);
  });
});
