import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { Tag, TransferSyntax, pixelDataFrames, readPart10, writePart10 } from '../../native-bridge/dicom/index.js';
import { rle } from '../../native-bridge/index.js';
import { ImagePipeline, type ImageSink } from '../../gateway/images/image-pipeline.js';
import { createTranscodePool } from '../../gateway/images/transcode-pool.js';
import { SAMPLES_DIR, sample } from '../helpers/dicom-samples.js';
import { tempDir } from '../helpers/temp-dir.js';

function recordingSink() {
  const published: { header: Parameters<ImageSink['publishImage']>[0]; part10: Uint8Array }[] = [];
  const notices: string[] = [];
  const sink: ImageSink = {
    publishImage: (header, part10) => published.push({ header, part10 }),
    notice: (_level, text) => notices.push(text),
  };
  return { sink, published, notices };
}

function nativePixels(bytes: Uint8Array): Uint8Array {
  const file = readPart10(bytes);
  const frames = pixelDataFrames(file);
  if (!frames.encapsulated) return frames.frames[0]!;
  return rle.decode(frames.frames[0]!, {
    rows: file.dataset.number(Tag.Rows)!,
    columns: file.dataset.number(Tag.Columns)!,
    samplesPerPixel: 1,
    bitsAllocated: 16,
  });
}

describe('ImagePipeline', () => {
  it('RLE-encodes an uncompressed MR image when smaller, pixels unchanged', () => {
    const { sink, published } = recordingSink();
    const input = sample('MR_small.dcm');
    const result = new ImagePipeline(sink).accept(input, 'c-store');
    expect(result).toMatchObject({ ok: true, transferSyntaxUid: TransferSyntax.RLELossless });
    expect(published).toHaveLength(1);
    const out = readPart10(published[0]!.part10);
    expect(out.transferSyntaxUid).toBe(TransferSyntax.RLELossless);
    expect(Buffer.from(nativePixels(published[0]!.part10)).equals(Buffer.from(nativePixels(input)))).toBe(true);
    expect(out.dataset.string(0x00100010)).toBe(readPart10(input).dataset.string(0x00100010));
  });

  it('passes RLE Lossless through untouched', () => {
    const { sink, published } = recordingSink();
    const input = sample('MR_small_RLE.dcm');
    new ImagePipeline(sink).accept(input, 'c-store');
    expect(published[0]!.part10).toBe(input);
  });

  it('turns big-endian pixel data into the same little-endian pixels', () => {
    const { sink, published } = recordingSink();
    new ImagePipeline(sink).accept(sample('MR_small_bigendian.dcm'), 'c-store');
    expect(Buffer.from(nativePixels(published[0]!.part10)).equals(Buffer.from(nativePixels(sample('MR_small.dcm'))))).toBe(true);
  });

  it('refuses a truncated file with a code and a notice, and keeps working', () => {
    const { sink, published, notices } = recordingSink();
    const pipeline = new ImagePipeline(sink);
    const result = pipeline.accept(sample('MR_truncated.dcm'), 'c-store');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toMatch(/^LARMOR_E_DICOM_/);
    expect(notices[0]).toMatch(/refused: LARMOR_E_DICOM_/);
    expect(pipeline.accept(sample('MR_small.dcm'), 'c-store').ok).toBe(true);
    expect(published).toHaveLength(1);
  });

  it('refuses an object without pixel data as not an image', () => {
    const { sink } = recordingSink();
    const noImage = writePart10({
      transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
      elements: [
        { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.88.11' },
        { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.1' },
        { tag: 0x0020000e, vr: 'UI', value: '2.25.2' },
      ],
    });
    expect(new ImagePipeline(sink).accept(noImage, 'c-store')).toMatchObject({ ok: false, code: ErrorCode.DICOM_NOT_AN_IMAGE });
  });

  it('refuses JPEG (made by DCMTK dcmcjpeg) as an unsupported transfer syntax', () => {
    const dir = tempDir();
    const jpeg = join(dir, 'jpeg.dcm');
    execFileSync('dcmcjpeg', [join(SAMPLES_DIR, 'MR_small.dcm'), jpeg]);
    const { sink } = recordingSink();
    expect(new ImagePipeline(sink).accept(new Uint8Array(readFileSync(jpeg)), 'c-store')).toMatchObject({
      ok: false,
      code: ErrorCode.UNSUPPORTED_TRANSFER_SYNTAX,
    });
  });
});

describe('ImagePipeline: received objects through the transcode pool', () => {
  let pool: ReturnType<typeof createTranscodePool> | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });
  /** A pipeline on a transcode pool of `size` workers (closed after the test), and what it published. */
  const pooled = (size: number) => {
    pool = createTranscodePool(undefined, size);
    const recorded = recordingSink();
    return { ...recorded, pipeline: new ImagePipeline(recorded.sink, undefined, { transcoders: pool }) };
  };

  it('makes each workstation copy in a worker thread, and publishes in arrival order, refusals coded', async () => {
    const { pipeline, published, notices } = pooled(2);
    // A large image first, on one worker, and small ones after it on the other: the order holds anyway.
    const inputs = ['MR2_UNCR.dcm', 'MR_small.dcm', 'MR_small_RLE.dcm'].map((name) => sample(name));
    const expected = inputs.map((input) => ({ uid: readPart10(input).dataset.string(Tag.SOPInstanceUID), pixels: nativePixels(input.slice()) }));
    const spares: number[] = [];
    const accept = (input: Uint8Array) => pipeline.acceptReceived(input, 'c-store', (spare) => spares.push(spare.length));
    const sizes = inputs.map((input) => input.length);
    const results = await Promise.all([...inputs.map(accept), accept(new Uint8Array(200))]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ ok: false, code: ErrorCode.DICOM_NOT_PART10 });
    expect(notices).toHaveLength(1);
    expect(published.map((p) => p.header.sopInstanceUid)).toEqual(expected.map((e) => e.uid));
    published.forEach((p, i) => expect(Buffer.from(nativePixels(p.part10)).equals(Buffer.from(expected[i]!.pixels))).toBe(true));
    // The received bytes moved to the worker rather than being copied, and came back for reuse
    // where the copy does not use them (compressed, refused), not where it is them (RLE as sent).
    expect(inputs[0]!.byteLength).toBe(0);
    expect(spares).toEqual([sizes[0], sizes[1], 200]);
  });

  it('refuses an object no worker could take, and publishes the ones after it', async () => {
    const { pipeline, published } = pooled(1);
    const input = sample('MR_small.dcm');
    const uid = readPart10(input).dataset.string(Tag.SOPInstanceUID);
    expect((await pipeline.acceptReceived(input, 'c-store')).ok).toBe(true);
    // The same bytes again: they moved to the worker the first time, and cannot move twice.
    const refused = await pipeline.acceptReceived(input, 'c-store');
    expect(refused).toMatchObject({ ok: false, code: ErrorCode.DICOM_NOT_PART10 });
    expect((await pipeline.acceptReceived(sample('MR_small.dcm'), 'c-store')).ok).toBe(true);
    expect(published.map((p) => p.header.sopInstanceUid)).toEqual([uid, uid]);
  });

  it('tells a refusal where it is asked to, instead of a notice of its own', async () => {
    const { pipeline, notices } = pooled(1);
    const reported: string[] = [];
    const refused = await pipeline.acceptReceived(new Uint8Array(200), 'c-store', undefined, (r) => reported.push(r.code));
    expect(refused).toMatchObject({ ok: false, code: ErrorCode.DICOM_NOT_PART10 });
    expect(reported).toEqual([ErrorCode.DICOM_NOT_PART10]);
    expect(notices).toEqual([]);
  });

  it('leaves a buffer it was given only part of as it was: that object moves in a copy of its own', async () => {
    const { pipeline, published } = pooled(1);
    const input = sample('MR_small.dcm');
    const shared = new Uint8Array(input.length + 16);
    shared.set(input, 8);
    const result = await pipeline.acceptReceived(shared.subarray(8, 8 + input.length), 'c-store');
    expect(result.ok).toBe(true);
    expect(published.map((p) => p.header.sopInstanceUid)).toEqual([readPart10(input).dataset.string(Tag.SOPInstanceUID)]);
    // Not detached: the rest of the buffer is still the caller's.
    expect(shared.byteLength).toBe(input.length + 16);
    expect(Buffer.from(shared.subarray(8, 8 + input.length)).equals(Buffer.from(input))).toBe(true);
  });
});
