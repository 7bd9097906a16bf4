import { afterEach, describe, expect, it } from 'vitest';
import { makeSeriesThumbnail } from '../../../gateway/images/series-thumbnail.js';
import { createThumbnailPool, INLINE_THUMBNAIL_BYTES, type ThumbnailPool } from '../../../gateway/images/thumbnail-pool.js';
import { mrImage } from '../../helpers/mr-images.js';

let pool: ThumbnailPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('the series thumbnail pool', () => {
  it("makes a small image's thumbnail at once, on the calling thread", () => {
    pool = createThumbnailPool();
    const part10 = mrImage(1, 1, { rows: 256, columns: 256 });
    const made = pool.make(part10, '2.25.1.1.1');
    expect(made).not.toBeInstanceOf(Promise);
    expect(made).toEqual(makeSeriesThumbnail(part10, '2.25.1.1.1'));
    // What cannot be read is no thumbnail, at once.
    expect(pool.make(new Uint8Array(300), '2.25.9')).toBeNull();
  });

  it("makes a large image's on a worker thread, the same thumbnail, its bytes moved there", async () => {
    pool = createThumbnailPool();
    const rows = Math.ceil(Math.sqrt(INLINE_THUMBNAIL_BYTES / 2)) + 1;
    const part10 = mrImage(1, 1, { rows, columns: rows, noise: true });
    const expected = makeSeriesThumbnail(part10, '2.25.1.1.1');
    expect(expected).not.toBeNull();
    const own = new Uint8Array(part10);
    const made = pool.make(own, '2.25.1.1.1');
    expect(made).toBeInstanceOf(Promise);
    expect(own.byteLength).toBe(0);
    expect(await made).toEqual(expected);
    // Bytes that share their memory are copied, and the caller's stay.
    const shared = new Uint8Array(part10.length + 8);
    shared.set(part10, 8);
    const view = shared.subarray(8);
    expect(await pool.make(view, '2.25.1.1.1')).toEqual(expected);
    expect(view.byteLength).toBe(part10.length);
  });
});
