import { describe, expect, it } from 'vitest';
import { ErrorCode, ImageChunkAssembler, decodeImageFrame, encodeImageFrame, encodeImageFrameChunks, type ImageFrameHeader } from '../../protocol/index.js';

const header: ImageFrameHeader = {
  seq: 3,
  at: '2026-12-02T05:00:00.000Z',
  source: 'c-store',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sopInstanceUid: '2.25.1',
  seriesUid: '2.25.2',
  imagesInSeries: null,
};
const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

describe('chunked image frames', () => {
  it('send an image that fits as one frame without parts', () => {
    const chunks = encodeImageFrameChunks(header, bytes, 4096);
    expect(chunks).toHaveLength(1);
    expect(decodeImageFrame(chunks[0]!).header.part).toBeUndefined();
  });

  it('split a larger image into parts that reassemble to the same bytes and header', () => {
    const chunks = encodeImageFrameChunks(header, bytes, 300);
    expect(chunks).toHaveLength(4);
    const assembler = new ImageChunkAssembler();
    const results = chunks.map((chunk) => assembler.add(chunk));
    expect(results.slice(0, 3)).toEqual([null, null, null]);
    const whole = decodeImageFrame(results[3]!);
    expect(whole.header).toEqual(header);
    expect(Buffer.from(whole.part10).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuse a part out of order with a code, and take the next whole image', () => {
    const chunks = encodeImageFrameChunks(header, bytes, 300);
    const assembler = new ImageChunkAssembler();
    assembler.add(chunks[0]!);
    expect(() => assembler.add(chunks[2]!)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_MESSAGE }));
    expect(chunks.map((chunk) => assembler.add(chunk)).at(-1)).not.toBeNull();
  });

  it('give the same frame, byte for byte, as the image sent in one message, its chunks copied once into it', () => {
    const chunks = encodeImageFrameChunks(header, bytes, 300);
    const assembler = new ImageChunkAssembler();
    const whole = chunks.map((chunk) => assembler.add(chunk)).at(-1)!;
    expect(Buffer.from(whole).equals(Buffer.from(encodeImageFrame(header, bytes)))).toBe(true);
  });

  it('refuse a part whose image size differs from its first part', () => {
    const chunks = encodeImageFrameChunks(header, bytes, 300);
    const other = encodeImageFrameChunks(header, bytes.subarray(0, 900), 300);
    const assembler = new ImageChunkAssembler();
    assembler.add(chunks[0]!);
    expect(() => assembler.add(other[1]!)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_MESSAGE }));
  });

  it('hold no more than twice the bytes received for a first chunk declaring 1 GiB, whatever its header says', () => {
    const assembler = new ImageChunkAssembler();
    const head = encodeImageFrame(header, new Uint8Array(0)).length;
    const claim = encodeImageFrame({ ...header, part: { index: 0, count: 2, offset: 0, total: 1024 * 1024 * 1024 } }, new Uint8Array(16));
    expect(assembler.add(claim)).toBeNull();
    expect(assembler.heldBytes).toBeGreaterThan(0);
    expect(assembler.heldBytes).toBeLessThanOrEqual(head + 2 * 16);
  });

  it('hold one unfinished image at a time: each new first part drops the last with a code, and what is held stays small', () => {
    const drops: { code: string }[] = [];
    const assembler = new ImageChunkAssembler(1024 * 1024 * 1024, (err) => drops.push(err));
    for (let seq = 1; seq <= 500; seq++) {
      const claim = encodeImageFrame({ ...header, seq, part: { index: 0, count: 2, offset: 0, total: 1024 * 1024 * 1024 } }, new Uint8Array(16));
      expect(assembler.add(claim)).toBeNull();
      expect(assembler.heldBytes).toBeLessThan(1024);
    }
    expect(drops).toHaveLength(499);
    for (const drop of drops) expect(drop.code).toBe(ErrorCode.INVALID_MESSAGE);
    // A whole image drops the unfinished one too, and is taken as it is.
    const whole = encodeImageFrame({ ...header, seq: 501 }, bytes);
    expect(assembler.add(whole)).toBe(whole);
    expect(drops).toHaveLength(500);
    expect(assembler.heldBytes).toBe(0);
  });

  it('grow an image as its bytes arrive, at most 16 times what came, and still give the same frame', () => {
    const big = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) % 253);
    const chunks = encodeImageFrameChunks(header, big, 4096);
    const assembler = new ImageChunkAssembler();
    const head = encodeImageFrame(header, new Uint8Array(0)).length;
    let received = 0;
    let whole: Uint8Array | null = null;
    for (const chunk of chunks) {
      whole = assembler.add(chunk);
      received += decodeImageFrame(chunk).part10.length;
      if (whole === null) expect(assembler.heldBytes - head).toBeLessThanOrEqual(16 * received);
    }
    expect(assembler.heldBytes).toBe(0);
    expect(Buffer.from(whole!).equals(Buffer.from(encodeImageFrame(header, big)))).toBe(true);
  });

  it('refuse an image declaring more bytes than the limit before allocating them', () => {
    const assembler = new ImageChunkAssembler(500);
    expect(() => assembler.add(encodeImageFrameChunks(header, bytes, 300)[0]!)).toThrow(expect.objectContaining({ code: ErrorCode.FRAME_TOO_LARGE }));
  });
});
