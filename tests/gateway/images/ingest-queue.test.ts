import { describe, expect, it } from 'vitest';
import { IngestQueue } from '../../../gateway/images/ingest-queue.js';
import { IngestLog } from '../../../gateway/images/ingest-log.js';

describe('the ingest queue between the DICOM receiver and the image pipeline', () => {
  it('hands images on in arrival order, after the receiver was answered', async () => {
    const taken: number[] = [];
    const queue = new IngestQueue<number>((n) => taken.push(n), 4);
    await queue.add(1);
    await queue.add(2);
    expect(taken).toEqual([]); // answered first, processed on a later turn of the event loop
    await expect.poll(() => taken).toEqual([1, 2]);
  });

  it('makes the next answer wait while the queue is full, so memory stays bounded', async () => {
    const taken: number[] = [];
    const queue = new IngestQueue<number>((n) => taken.push(n), 2);
    await queue.add(1);
    let roomForThird = false;
    const second = queue.add(2).then(() => (roomForThird = true));
    expect(roomForThird).toBe(false);
    await second;
    expect(taken).toEqual([1]); // room came when the first was taken
  });

  it('takes everything still waiting when drained at shutdown', async () => {
    const taken: number[] = [];
    const queue = new IngestQueue<number>((n) => taken.push(n), 8);
    await queue.add(1);
    await queue.add(2);
    queue.drain();
    expect(taken).toEqual([1, 2]);
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
