import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gcNodeOptions, missingGcNodeOptions } from '../../../base/node/gc-node-options.js';

describe('the collection options of a process doing the gateway’s work', () => {
  it('collects garbage on its own threads on two cores or fewer, and as V8 chooses on more', () => {
    expect(gcNodeOptions(1)).toEqual(['--single-threaded-gc']);
    expect(gcNodeOptions(2)).toEqual(['--single-threaded-gc']);
    expect(gcNodeOptions(4)).toEqual([]);
  });

  it('tells which of them a process was started without', () => {
    expect(missingGcNodeOptions(['--import', 'tsx'], 2)).toEqual(['--single-threaded-gc']);
    expect(missingGcNodeOptions(['--single-threaded-gc'], 2)).toEqual([]);
    expect(missingGcNodeOptions([], 8)).toEqual([]);
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
