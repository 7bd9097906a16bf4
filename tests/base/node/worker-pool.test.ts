import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceLimits } from 'node:worker_threads';
import { createWorkerPool, type WorkerPool } from '../../../base/node/worker-pool.js';

type Answer = { bytes?: Uint8Array; thread?: string; failed?: string; resourceLimits?: ResourceLimits };

describe('the worker-thread pool', () => {
  let pool: WorkerPool<{ bytes: Uint8Array; die?: boolean; hang?: boolean; workMs?: number }, Answer> | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });
  const start = (size: number, stuckAfterMs?: number, resourceLimits?: ResourceLimits) =>
    (pool = createWorkerPool({
      module: new URL('./echo-worker-child', import.meta.url),
      size,
      stuckAfterMs,
      ...(resourceLimits ? { resourceLimits } : {}),
      failed: (why): Answer => ({ failed: why }),
    }));

  it('answers each request on a worker, the bytes moved there and back rather than copied', async () => {
    const workers = start(2);
    const requests = Array.from({ length: 6 }, (_, i) => new Uint8Array([i, i + 1, i + 2]));
    const answers = await Promise.all(requests.map((bytes) => workers.run({ bytes }, [bytes.buffer as ArrayBuffer])));
    expect(answers.map((a) => [...a.bytes!])).toEqual(Array.from({ length: 6 }, (_, i) => [i + 2, i + 1, i]));
    expect(requests.every((bytes) => bytes.byteLength === 0)).toBe(true); // detached: moved, not copied
  });

  it('fails a request whose buffer already moved, at once, instead of never answering it', async () => {
    const workers = start(1);
    const bytes = new Uint8Array([1, 2, 3]);
    await workers.run({ bytes }, [bytes.buffer as ArrayBuffer]);
    const again = await workers.run({ bytes }, [bytes.buffer as ArrayBuffer]);
    expect(again.failed).toMatch(/could not be sent to a worker: .*detached/);
    const after = await workers.run({ bytes: new Uint8Array([1, 2]) });
    expect([...after.bytes!]).toEqual([2, 1]);
  });

  it("starts every worker with the heap sizes asked for, a replaced one too, and otherwise with V8's", async () => {
    const workers = start(1, undefined, { maxYoungGenerationSizeMb: 6 });
    expect((await workers.run({ bytes: new Uint8Array(1) })).resourceLimits?.maxYoungGenerationSizeMb).toBe(6);
    await workers.run({ bytes: new Uint8Array(1), die: true });
    expect((await workers.run({ bytes: new Uint8Array(1) })).resourceLimits?.maxYoungGenerationSizeMb).toBe(6);
    await workers.close();
    const defaults = start(1);
    expect((await defaults.run({ bytes: new Uint8Array(1) })).resourceLimits?.maxYoungGenerationSizeMb).toBeGreaterThan(6);
  });

  it('fails only the requests of a worker that dies, and replaces it for the next', async () => {
    const workers = start(1);
    await workers.ready;
    const dying = workers.run({ bytes: new Uint8Array(1), die: true });
    expect(await dying).toEqual({ failed: 'worker exited with code 3' });
    const after = await workers.run({ bytes: new Uint8Array([1, 2]) });
    expect([...after.bytes!]).toEqual([2, 1]);
  });

  it('ends a worker that answers nothing, fails what it held, and serves the next request on a new one', async () => {
    const workers = start(1, 300);
    await workers.ready;
    const stuck = workers.run({ bytes: new Uint8Array(1), hang: true });
    const queued = workers.run({ bytes: new Uint8Array([1, 2]) }); // behind it on the same worker
    expect(await stuck).toEqual({ failed: expect.stringMatching(/^worker answered nothing for \d+ ms$/) });
    expect((await queued).failed).toMatch(/answered nothing/);
    const after = await workers.run({ bytes: new Uint8Array([1, 2]) });
    expect([...after.bytes!]).toEqual([2, 1]);
  });

  it('never ends a worker whose queue takes long but moves', async () => {
    // Eight requests of 100 ms each on one worker: 800 ms of work, well past the 300 ms allowed
    // for any one answer.
    const workers = start(1, 300);
    await workers.ready;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => workers.run({ bytes: new Uint8Array([i, 9]), workMs: 100 })));
    expect(answers.map((a) => a.failed)).toEqual(Array(8).fill(undefined));
    expect(answers.map((a) => a.bytes![1])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
