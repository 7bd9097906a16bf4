import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExamImageStore, type ExamImageStoreOptions, type PublishedImage } from '../../../gateway/images/exam-image-store.js';
import type { WriteAt } from '../../../gateway/images/spool.js';
import { makeSeriesThumbnail } from '../../../gateway/images/series-thumbnail.js';
import { ErrorCode, THUMBNAIL_MAX_EDGE } from '../../../protocol/index.js';
import { mrImage } from '../../helpers/mr-images.js';
import { tempDir } from '../../helpers/temp-dir.js';

function held(series: number, instance: number, seq: number, expected = 3): PublishedImage {
  const part10 = mrImage(series, instance);
  return {
    header: {
      seq,
      at: '2026-12-01T10:00:00.000Z',
      source: 'simulator',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopInstanceUid: `2.25.1.${series}.${instance}`,
      seriesUid: `2.25.1.${series}`,
      imagesInSeries: expected,
    },
    part10,
  };
}

/** A store spooling into a fresh folder (as the gateway's, beside a data file). */
function storeOf(maxBytes: number, options: ExamImageStoreOptions = {}): ExamImageStore {
  // One segment per entry: each image's file can be seen coming and going.
  return new ExamImageStore(maxBytes, join(tempDir(), 'exam-images'), { spoolSegmentBytes: 1, ...options });
}

describe('ExamImageStore', () => {
  it('lists each series with its number, description, status, images and a thumbnail', () => {
    const store = storeOf(10 * 1024 * 1024);
    store.openExam('2.25.1');
    for (let i = 1; i <= 3; i++) store.add(held(1, i, i));
    store.add(held(2, 1, 4));
    store.refreshThumbnails();
    const catalogue = store.catalogue(() => null, false);
    expect(catalogue.studyUid).toBe('2.25.1');
    expect(catalogue.series.map((s) => [s.seriesNumber, s.description, s.status, s.imageCount])).toEqual([
      [1, 'Series 1', 'complete', 3],
      [2, 'Series 2', 'receiving', 1],
    ]);
    expect(catalogue.series[0]!.sopInstanceUids).toEqual(['2.25.1.1.1', '2.25.1.1.2', '2.25.1.1.3']);
    // The middle image's thumbnail, 32 x 32 as the image is (never enlarged beyond its matrix).
    expect(catalogue.series[0]!.thumbnail).toMatchObject({ rows: 32, columns: 32, sopInstanceUid: '2.25.1.1.2' });
  });

  it("cuts a series description longer than an LO's 64 characters, as every catalogue carries it", () => {
    const store = storeOf(10 * 1024 * 1024);
    const image = held(1, 1, 1);
    store.add({ ...image, part10: mrImage(1, 1, { seriesDescription: 'x'.repeat(60_000) }) });
    const description = store.catalogue(() => null, false).series[0]!.description;
    expect(description).toBe(`${'x'.repeat(64)}…`);
  });

  it('takes the status of the acquisition that made the series: an aborted one says so', () => {
    const store = storeOf(10 * 1024 * 1024);
    store.add(held(1, 1, 1));
    expect(store.catalogue(() => 'aborted', false).series[0]!.status).toBe('aborted');
    expect(store.catalogue(() => 'acquiring', false).series[0]!.status).toBe('receiving');
  });

  it('drops whole series, oldest first, when an image would exceed the bound, and says which', () => {
    const one = held(1, 1, 1).part10.length;
    const store = storeOf(one * 4 + 10);
    for (let i = 1; i <= 3; i++) expect(store.add(held(1, i, i))).toEqual([]);
    store.add(held(2, 1, 4));
    const dropped = store.add(held(2, 2, 5));
    expect(dropped).toEqual([{ seriesUid: '2.25.1.1', seriesNumber: 1, description: 'Series 1', images: 3, bytes: one * 3 }]);
    expect(store.catalogue(() => null, false).series.map((s) => s.seriesUid)).toEqual(['2.25.1.2']);
    expect(store.heldBytes).toBeLessThanOrEqual(store.maxBytes);
  });

  it('holds at most so many images and series, dropping the oldest series as for bytes, so its catalogue stays small', () => {
    const store = storeOf(1024 * 1024 * 1024, { maxImages: 4, maxSeries: 2 });
    for (let i = 1; i <= 3; i++) store.add(held(1, i, i));
    expect(store.add(held(2, 1, 4))).toEqual([]); // 4 images, 2 series
    expect(store.add(held(2, 2, 5))).toEqual([expect.objectContaining({ seriesUid: '2.25.1.1', images: 3 })]); // 5 images
    expect(store.add(held(3, 1, 6))).toEqual([]); // 3 images, 2 series
    expect(store.add(held(4, 1, 7))).toEqual([expect.objectContaining({ seriesUid: '2.25.1.2', images: 2 })]); // 3 series
    for (let i = 2; i <= 5; i++) store.add(held(4, i, 7 + i)); // series 4 alone over the count: its oldest go
    const catalogue = store.catalogue(() => null, false);
    expect(catalogue.series.map((s) => s.seriesUid)).toEqual(['2.25.1.4']);
    expect(catalogue.series[0]!.sopInstanceUids).toEqual(['2.25.1.4.2', '2.25.1.4.3', '2.25.1.4.4', '2.25.1.4.5']);
  });

  it('a series alone over the bound keeps its newest images', () => {
    const one = held(1, 1, 1).part10.length;
    const store = storeOf(one * 2 + 10);
    store.add(held(1, 1, 1));
    store.add(held(1, 2, 2));
    const dropped = store.add(held(1, 3, 3));
    expect(dropped).toEqual([expect.objectContaining({ seriesUid: '2.25.1.1', images: 1 })]);
    expect(store.catalogue(() => null, false).series[0]!.sopInstanceUids).toEqual(['2.25.1.1.2', '2.25.1.1.3']);
  });

  it('a new exam releases the images of the last one', () => {
    const store = storeOf(10 * 1024 * 1024);
    store.openExam('2.25.1');
    store.add(held(1, 1, 1));
    expect(store.openExam('2.25.2')).toBe(true);
    expect(store.catalogue(() => null, false)).toEqual({ studyUid: '2.25.2', series: [] });
    expect(store.heldBytes).toBe(0);
  });

  it('finds held images by SOP Instance UID or series, and names the ones it does not hold', () => {
    const store = storeOf(10 * 1024 * 1024);
    store.add(held(1, 1, 1));
    store.add(held(1, 2, 2));
    expect(store.find({ seriesUid: '2.25.1.1' }, false).images).toHaveLength(2);
    const found = store.find({ sopInstanceUids: ['2.25.1.1.2', '2.25.404'] }, false);
    expect(found.images.map((i) => i.header.seq)).toEqual([2]);
    expect(found.unknown).toEqual(['2.25.404']);
  });

  it('hides from observers the images withheld from them', () => {
    const store = storeOf(10 * 1024 * 1024, { observerCopy: (p) => p });
    store.add({ ...held(1, 1, 1), observerPart10: null });
    store.add(held(1, 2, 2));
    expect(store.catalogue(() => null, true).series[0]!.sopInstanceUids).toEqual(['2.25.1.1.2']);
    expect(store.find({ sopInstanceUids: ['2.25.1.1.1'] }, true).unknown).toEqual(['2.25.1.1.1']);
  });
});

describe("ExamImageStore's spool: the bytes on disk, the index in memory", () => {
  const spooled = (store: ExamImageStore) => readdirSync(store.spoolDir).sort();
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('writes each image to a 0600 file in a 0700 folder, reads the same bytes back, and keeps no bytes in memory', () => {
    const store = storeOf(10 * 1024 * 1024);
    const image = held(1, 1, 7);
    store.add(image);
    expect(mode(store.spoolDir)).toBe(0o700);
    expect(spooled(store)).toEqual(['7.dcm']);
    expect(mode(join(store.spoolDir, '7.dcm'))).toBe(0o600);
    const [entry] = [...store.images()];
    expect(Buffer.from(store.part10(entry!)!).equals(Buffer.from(image.part10))).toBe(true);
    expect(Object.values(entry!).some((v) => v instanceof Uint8Array)).toBe(false);
    expect(store.heldBytes).toBe(image.part10.length);
  });

  it('removes at start what a killed process left in the folder', () => {
    const dir = join(tempDir(), 'exam-images');
    mkdirSync(dir);
    writeFileSync(join(dir, '3.dcm'), 'left over');
    const store = new ExamImageStore(1024 * 1024, dir);
    expect(spooled(store)).toEqual([]);
    expect(mode(dir)).toBe(0o700);
  });

  it('deletes the files of a dropped series, of the last exam on a new one, and all of them at close', () => {
    const one = held(1, 1, 1).part10.length;
    const store = storeOf(one * 3 + 10);
    store.openExam('2.25.1');
    store.add(held(1, 1, 1));
    store.add(held(1, 2, 2));
    store.add(held(2, 1, 3));
    expect(spooled(store)).toEqual(['1.dcm', '2.dcm', '3.dcm']);
    store.add(held(2, 2, 4)); // series 1 goes
    expect(spooled(store)).toEqual(['3.dcm', '4.dcm']);
    store.add(held(2, 3, 5));
    store.add(held(2, 4, 6)); // series 2 alone over the bound: its oldest image goes
    expect(spooled(store)).toEqual(['4.dcm', '5.dcm', '6.dcm']);
    store.openExam('2.25.2');
    expect(spooled(store)).toEqual([]);
    store.add(held(1, 1, 7));
    store.close();
    expect(existsSync(store.spoolDir)).toBe(false);
  });

  it('writes the images one after another into shared segment files, deleting a segment once none of its images is held', async () => {
    const one = held(1, 1, 1).part10.length;
    // Two images to a segment; the bound holds three.
    const store = new ExamImageStore(one * 3 + 10, join(tempDir(), 'exam-images'), { spoolSegmentBytes: one * 2 });
    store.add(held(1, 1, 1));
    store.add(held(1, 2, 2));
    store.add(held(2, 1, 3));
    expect(spooled(store)).toEqual(['1.dcm', '3.dcm']); // segments named after their first image
    for (const [i, image] of [...store.images()].entries()) {
      expect(Buffer.from(store.part10(image)!).equals(Buffer.from(held(i < 2 ? 1 : 2, i < 2 ? i + 1 : 1, i + 1).part10))).toBe(true);
    }
    store.add(held(2, 2, 4)); // series 1 goes: its segment holds nothing any more
    expect(spooled(store)).toEqual(['3.dcm']);
    // Once the writes have finished (off the event loop: spool.ts).
    await expect.poll(() => statSync(join(store.spoolDir, '3.dcm')).size).toBe(2 * one);
  });

  it('a second copy of an image replaces the first, file and all, and stands for the first event too', () => {
    const store = storeOf(10 * 1024 * 1024);
    store.add(held(1, 1, 1));
    store.add(held(1, 1, 2));
    expect(spooled(store)).toEqual(['2.dcm']);
    expect(store.heldAs('2.25.1.1.1', 1)?.header.seq).toBe(2);
    expect(store.heldAs('2.25.1.1.1', 2)?.header.seq).toBe(2);
    expect(store.heldAs('2.25.1.1.1', 3)).toBeUndefined(); // a copy published later, not held yet
  });

  it('makes an observer copy from the file once, spools it, and never gives observers the full bytes in its place', () => {
    let copies = 0;
    const store = storeOf(10 * 1024 * 1024, { observerCopy: (p, h) => (copies++, h.seq === 2 ? null : p.slice(0, 100)) });
    store.add(held(1, 1, 1));
    store.add(held(1, 2, 2));
    store.add({ ...held(1, 3, 3), observerPart10: new Uint8Array([1, 2, 3]) }); // made for the live frame
    const [first, second, third] = [...store.images()];
    expect(store.observerPart10(first!)!.length).toBe(100);
    expect(store.observerPart10(first!)!.length).toBe(100);
    expect(store.observerPart10(second!)).toBeNull();
    expect([...store.observerPart10(third!)!]).toEqual([1, 2, 3]);
    expect(copies).toBe(2);
    // The bound is one of disk: observer copies count.
    expect(store.heldBytes).toBe([1, 2, 3].reduce((n, i) => n + held(1, i, i).part10.length, 0) + 100 + 3);
    expect(spooled(store)).toEqual(['1.dcm', '1.observer.dcm', '2.dcm', '3.dcm', '3.observer.dcm']);
    expect(mode(join(store.spoolDir, '1.observer.dcm'))).toBe(0o600);
    expect(store.catalogue(() => null, true).series[0]!.sopInstanceUids).toEqual(['2.25.1.1.1', '2.25.1.1.3']);
  });

  it('an image whose bytes cannot be written after it was added is held no more, and its owner is told why', async () => {
    // The disk is full: segment files can still be made, but no bytes go into them.
    const full: WriteAt = (_fd, _bytes, _offset, _length, _position, done) =>
      setImmediate(() => done(Object.assign(new Error('no space left'), { code: 'ENOSPC' }), 0));
    const lost: string[] = [];
    let written = 0;
    const store = storeOf(10 * 1024 * 1024, {
      spoolWriteAt: full,
      spooled: { written: () => written++, lost: (header, why) => lost.push(`${header.seq}: ${why}`) },
    });
    store.add(held(1, 1, 1));
    expect(store.seriesCount).toBe(1);
    await expect.poll(() => lost).toHaveLength(1);
    expect(lost[0]).toMatch(/^1: image 2\.25\.1\.1\.1 could not be written to .*: ENOSPC$/);
    expect(store.heldBytes).toBe(0);
    expect(store.find({ seriesUid: '2.25.1.1' }, false).images).toEqual([]);
    expect(written).toBe(0);
  });

  it("keeps a series' last thumbnail while the next is made later, one image at a time, and says when each is made", async () => {
    const asked: { uid: string; done: (made: ReturnType<typeof makeSeriesThumbnail>) => void; part10: Uint8Array }[] = [];
    const finish = async (i: number, made = makeSeriesThumbnail(asked[i]!.part10, asked[i]!.uid)) => {
      asked[i]!.done(made);
      await new Promise((resolve) => setImmediate(resolve));
    };
    let made = 0;
    const store = storeOf(10 * 1024 * 1024, {
      thumbnail: (part10, uid) => new Promise((done) => asked.push({ uid, done, part10 })),
      thumbnailMade: () => made++,
    });
    const thumbnailOf = (series: number) => store.catalogue(() => null, false).series.find((s) => s.seriesNumber === series)!.thumbnail;
    store.openExam('2.25.1');
    store.add(held(1, 1, 1));
    store.refreshThumbnails();
    expect(thumbnailOf(1)).toBeNull();
    for (let i = 2; i <= 3; i++) store.add(held(1, i, i));
    store.add(held(2, 1, 4));
    // One image at a time (each is a copy held until made): series 1's new middle and series 2
    // wait for the first to be made.
    store.refreshThumbnails();
    expect(asked.map((a) => a.uid)).toEqual(['2.25.1.1.1']);
    await finish(0);
    expect(made).toBe(1);
    expect(thumbnailOf(1)?.sopInstanceUid).toBe('2.25.1.1.1');
    expect(asked.map((a) => a.uid)).toEqual(['2.25.1.1.1', '2.25.1.1.2']);
    await finish(1);
    expect(asked.map((a) => a.uid)).toEqual(['2.25.1.1.1', '2.25.1.1.2', '2.25.1.2.1']);
    await finish(2);
    expect(made).toBe(3);
    expect([thumbnailOf(1)?.sopInstanceUid, thumbnailOf(2)?.sopInstanceUid]).toEqual(['2.25.1.1.2', '2.25.1.2.1']);
    // The catalogue alone asks for nothing; a refresh asks for a new middle, and until it is made
    // the catalogue carries the last.
    for (let i = 4; i <= 5; i++) store.add(held(1, i, 4 + i));
    store.catalogue(() => null, false);
    expect(asked).toHaveLength(3);
    store.refreshThumbnails();
    expect(asked.map((a) => a.uid).at(-1)).toBe('2.25.1.1.3');
    expect(thumbnailOf(1)?.sopInstanceUid).toBe('2.25.1.1.2');
    // One that could not be made leaves the last, and a refresh asks again.
    await finish(3, null);
    expect(made).toBe(3);
    expect(thumbnailOf(1)?.sopInstanceUid).toBe('2.25.1.1.2');
    store.refreshThumbnails();
    expect(asked).toHaveLength(5);
    // Made after its exam closed: not kept, not told.
    store.openExam('2.25.2');
    store.add(held(1, 1, 10));
    await finish(4);
    expect(made).toBe(3);
    expect(thumbnailOf(1)).toBeNull();
  });

  it('an image that cannot be written is not held, with a coded error, and the next one is', () => {
    const store = storeOf(10 * 1024 * 1024);
    // A folder where the image's file would go: the write fails as on a full disk.
    mkdirSync(join(store.spoolDir, '1.dcm'));
    expect(() => store.add(held(1, 1, 1))).toThrow(expect.objectContaining({ code: ErrorCode.EXAM_IMAGE_NOT_SPOOLED }));
    expect(store.heldBytes).toBe(0);
    expect(store.seriesCount).toBe(0);
    store.add(held(1, 2, 2));
    expect(store.find({ seriesUid: '2.25.1.1' }, false).images.map((i) => i.header.seq)).toEqual([2]);
  });
});

describe('makeSeriesThumbnail', () => {
  it('is 8-bit, windowed, within the edge, and shaped by the pixel spacing', () => {
    // 128 x 256 at 1.95 x 0.98 mm: 250 mm tall, 250 mm wide -> square.
    const thumb = makeSeriesThumbnail(mrImage(1, 1, { rows: 128, columns: 256, rowSpacingMm: 1.953125, columnSpacingMm: 0.9765625 }), 'x')!;
    expect(thumb.rows).toBe(THUMBNAIL_MAX_EDGE);
    expect(thumb.columns).toBe(THUMBNAIL_MAX_EDGE);
    const pixels = Buffer.from(thumb.pixels, 'base64');
    expect(pixels.length).toBe(thumb.rows * thumb.columns);
    // The disc (1000, window 500/1000) is white; the corner is black.
    expect(pixels[32 * 64 + 32]).toBe(255);
    expect(pixels[0]).toBe(0);
  });

  it('is null for bytes that are not an image', () => {
    expect(makeSeriesThumbnail(new Uint8Array([1, 2, 3]), 'x')).toBeNull();
  });

  it('reads a Buffer at an odd offset in its memory, as a WebSocket message may hold it', () => {
    const part10 = mrImage(1, 1, { rows: 128, columns: 256, rowSpacingMm: 1.953125, columnSpacingMm: 0.9765625 });
    const odd = Buffer.from(new ArrayBuffer(part10.length + 1), 1, part10.length);
    odd.set(part10);
    expect(makeSeriesThumbnail(odd, 'x')).toEqual(makeSeriesThumbnail(part10, 'x'));
  });
});
