import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IMAGE_PROCESS_HEAP_GROWING_PERCENT } from '../../../base/node/heap-growth.js';

const MODULE = fileURLToPath(new URL('../../../base/node/heap-growth.ts', import.meta.url));

describe('the heap sized for images (growHeapForImages)', () => {
  it("takes effect in a running process, on the main thread and on a worker's: V8 sizes each heap three times what a collection kept", () => {
    // V8 says what it did with each collection's limit (--trace-gc-verbose): "(3.0)" is the factor applied.
    const script = `
      const { growHeapForImages } = await import(${JSON.stringify(MODULE)});
      growHeapForImages();
      globalThis.gc();
      const { Worker } = await import('node:worker_threads');
      await new Promise((resolve) => new Worker('globalThis.gc()', { eval: true }).on('exit', resolve));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--trace-gc-verbose', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const limits = [...run.stdout.matchAll(/^\[\d+:(0x[0-9a-f]+)\].*\[HeapController\] Limit: .*\(([\d.]+)\)$/gm)];
    const factor = (1 + IMAGE_PROCESS_HEAP_GROWING_PERCENT / 100).toFixed(1);
    expect(new Set(limits.map((m) => m[1])).size, 'a collection on each thread').toBe(2);
    expect(limits.map((m) => m[2])).toEqual(limits.map(() => factor));
  });
});
