import { describe, expect, it } from 'vitest';
import { IngestQueue } from '../../../gateway/images/ingest-queue.js';
import { IngestLog } from '../../../gateway/images/ingest-log.js';

describe('the ingest queue between the DICOM receiver and the image pipeline', () => {
  /** A take whose work ends when the test says so. */
  function takes() {
    const started: number[] = [];
    const finish = new Map<number, () => void>();
    const take = (n: number) => {
      started.push(n);
      return new Promise<void>((resolve) => finish.set(n, resolve));
    };
    return { started, finish: (n: number) => finish.get(n)!(), take };
  }

  it('starts each image at once and answers the receiver while there is room', async () => {
    const work = takes();
    const queue = new IngestQueue<number>(work.take, 4);
    await queue.add(1);
    await queue.add(2);
    expect(work.started).toEqual([1, 2]);
  });

  it('makes the next answer wait while the pipeline is full, so memory stays bounded', async () => {
    const work = takes();
    const queue = new IngestQueue<number>(work.take, 2);
    await queue.add(1);
    let roomForThird = false;
    const second = queue.add(2).then(() => (roomForThird = true));
    await Promise.resolve();
    expect(roomForThird).toBe(false);
    work.finish(1);
    await second;
    expect(roomForThird).toBe(true); // room came when the first was done
  });

  it('drains: resolves once everything taken is done', async () => {
    const work = takes();
    const queue = new IngestQueue<number>(work.take, 8);
    await queue.add(1);
    await queue.add(2);
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    work.finish(1);
    await Promise.resolve();
    expect(drained).toBe(false);
    work.finish(2);
    await draining;
    expect(drained).toBe(true);
  });
});

describe('the ingest log', () => {
  it('logs the first image of a burst at once and the rest as one line with a count', () => {
    const lines: string[] = [];
    const log = new IngestLog((line) => lines.push(line), 60_000);
    for (let i = 1; i <= 100; i++) log.forwarded('SCANNER', `image ${i}`);
    expect(lines).toEqual(['C-STORE from SCANNER: image 1']);
    log.flush();
    expect(lines).toEqual(['C-STORE from SCANNER: image 1', 'C-STORE from SCANNER: 99 more within 60 s, the last image 100']);
  });
});
