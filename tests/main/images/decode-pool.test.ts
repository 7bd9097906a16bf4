import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, encodeImageFrame, type ImageFrameHeader } from '../../../protocol/index.js';
import { createDecodePool, decodeWorkers, type DecodePool } from '../../../main/images/decode-pool.js';
import { intakeImageFrame } from '../../../main/images/image-intake.js';
import { sample } from '../../helpers/dicom-samples.js';

const header = (seq: number): ImageFrameHeader => ({
  seq,
  at: '2026-12-02T05:00:00.000Z',
  source: 'c-store',
  transferSyntaxUid: '1.2.840.10008.1.2.5',
  sopInstanceUid: '2.25.7',
  seriesUid: '2.25.8',
  imagesInSeries: null,
});

let pool: DecodePool | undefined;
afterEach(async () => {
  await pool?.close();
});

describe('image decode pool (worker threads)', () => {
  it('decodes on a worker to the same images as on this thread', async () => {
    pool = createDecodePool({ size: 2 });
    const frame = encodeImageFrame(header(1), sample('emri_small_RLE.dcm'));
    const here = intakeImageFrame(frame);
    const there = await pool.decode(frame.slice());
    expect(there.ok && here.ok).toBe(true);
    if (!there.ok || !here.ok) return;
    expect(there.images.map((i) => i.sopInstanceUid)).toEqual(here.images.map((i) => i.sopInstanceUid));
    expect(there.images.every((img, n) => Buffer.from(img.pixels).equals(Buffer.from(here.images[n]!.pixels)))).toBe(true);
  });

  it('moves a frame that owns its memory to the worker, and copies a view into a larger buffer, leaving that intact', async () => {
    pool = createDecodePool({ size: 1 });
    const own = encodeImageFrame(header(1), sample('MR_small_RLE.dcm'));
    const moved = pool.decode(own);
    expect(own.byteLength).toBe(0); // detached here: it went to the worker, not a copy of it
    expect((await moved).ok).toBe(true);
    const frame = encodeImageFrame(header(2), sample('MR_small_RLE.dcm'));
    const larger = new Uint8Array(frame.length + 16);
    larger.set(frame, 8);
    const view = larger.subarray(8, 8 + frame.length);
    expect(await pool.decode(view)).toMatchObject({ ok: true, seq: 2 });
    expect(Buffer.from(view).equals(Buffer.from(frame))).toBe(true);
  });

  it('answers each frame, in any number at once, with its own result', async () => {
    pool = createDecodePool({ size: 2 });
    const results = await Promise.all([1, 2, 3, 4].map((seq) => pool!.decode(encodeImageFrame(header(seq), sample('MR_small_RLE.dcm')))));
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('has two workers on a machine of three cores or more, else one, unless told', async () => {
    expect([1, 2, 3, 4, 16].map((cores) => decodeWorkers(cores))).toEqual([1, 1, 2, 2, 2]);
    pool = createDecodePool();
    expect(pool.size).toBe(decodeWorkers());
    await pool.close();
    pool = createDecodePool({ size: 3 });
    expect(pool.size).toBe(3);
  });

  it('applies the configured limits on the worker', async () => {
    pool = createDecodePool({ size: 1, limits: { maxFrameBytes: 1024, maxObjectBytes: 1024 } });
    expect(await pool.decode(encodeImageFrame(header(1), sample('MR_small_RLE.dcm')))).toMatchObject({ ok: false, code: ErrorCode.IMAGE_TOO_LARGE });
  });
});
