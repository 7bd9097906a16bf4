import { describe, expect, it } from 'vitest';
import {
  PREVIEW_CHUNK_BYTES,
  PreviewFrameAssembler,
  PreviewFrameError,
  decodePreviewFrame,
  encodePreviewFrame,
  previewFrameMessages,
  previewFrameParts,
  type PreviewImage,
} from '../../protocol/index.js';

function image(): PreviewImage {
  return { seriesUid: '2.25.1', sopInstanceUid: '2.25.1.1', rows: 2, columns: 2, pixels: new Uint16Array([1, 2, 3, 65535]).buffer } as unknown as PreviewImage;
}

describe('preview frames', () => {
  it('hands the received buffer over without a copy when asked to share it', () => {
    const frame = encodePreviewFrame(image());
    const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
    const decoded = decodePreviewFrame(buffer, { shareBuffer: true });
    expect(decoded.pixels).toBe(buffer);
    expect([...new Uint16Array(decoded.pixels, 0, 4)]).toEqual([1, 2, 3, 65535]);
    expect(decoded.sopInstanceUid).toBe('2.25.1.1');
  });

  it('sends the same bytes as two fragments as in one message', () => {
    const { pixels, trailer } = previewFrameParts(image());
    const joined = new Uint8Array(pixels.length + trailer.length);
    joined.set(pixels);
    joined.set(trailer, pixels.length);
    expect(Buffer.from(joined).equals(Buffer.from(encodePreviewFrame(image())))).toBe(true);
  });

  it('refuses a frame shorter than its declared metadata with a code', () => {
    const frame = encodePreviewFrame(image());
    const cut = frame.buffer.slice(frame.byteOffset + 6, frame.byteOffset + frame.byteLength) as ArrayBuffer;
    expect(() => decodePreviewFrame(cut.slice(0, 3))).toThrow(PreviewFrameError);
    let code: string | undefined;
    try {
      decodePreviewFrame(cut.slice(0, 3));
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('LARMOR_E_IPC_INVALID_PAYLOAD');
  });

  describe('in parts', () => {
    const large = (rows: number, seed: number): PreviewImage =>
      ({
        ...image(),
        sopInstanceUid: `2.25.${seed}`,
        rows,
        columns: rows,
        pixels: new Uint16Array(rows * rows).map((_, i) => (i * seed) & 0xffff).buffer,
      }) as unknown as PreviewImage;
    /** Each message as the page gets it: its fragments joined, in a buffer of its own. */
    const received = (img: PreviewImage, chunkBytes?: number) =>
      previewFrameMessages(img, chunkBytes)
        .map((fragments) => Buffer.concat(fragments))
        .map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);

    it('sends an image of at most one chunk of pixels as the one frame it always was', () => {
      const [only, ...rest] = received(image());
      expect(rest).toHaveLength(0);
      expect(Buffer.from(only!).equals(Buffer.from(encodePreviewFrame(image())))).toBe(true);
    });

    it('puts a large image together from slices of a chunk, between whole images', () => {
      const big = large(1024, 7); // 2 MiB of pixels: 7 parts and the last slice with the metadata
      const messages = [...received(image()), ...received(big), ...received(image())];
      expect(messages).toHaveLength(10);
      // Seven parts of a chunk each and its mark; the last chunk comes with the metadata.
      expect(messages.slice(1, 8).map((m) => m.byteLength)).toEqual(Array(7).fill(PREVIEW_CHUNK_BYTES + 8));
      const assembler = new PreviewFrameAssembler();
      const images = messages.map((m) => assembler.add(m)).filter((i) => i !== null);
      expect(images.map((i) => i.sopInstanceUid)).toEqual(['2.25.1.1', '2.25.7', '2.25.1.1']);
      expect(images[1]).toMatchObject({ rows: 1024, columns: 1024 });
      expect(Buffer.from(images[1]!.pixels).equals(Buffer.from(big.pixels))).toBe(true);
      expect(images[2]!.pixels).toBe(messages[9]); // a whole frame still keeps its own buffer
    });

    it('refuses parts that do not add up, with a code, and takes the next image', () => {
      const assembler = new PreviewFrameAssembler();
      const [first] = received(large(64, 3), 1024); // 8 KiB: 7 parts and the last slice
      const [other] = received(large(128, 5), 1024);
      assembler.add(first!);
      expect(() => assembler.add(other!)).toThrow(expect.objectContaining({ code: 'LARMOR_E_IPC_INVALID_PAYLOAD' }));
      // A last frame after too few parts: the image is short.
      const parts = received(large(64, 3), 1024);
      assembler.add(parts[0]!);
      expect(() => assembler.add(parts.at(-1)!)).toThrow(PreviewFrameError);
      expect(received(large(64, 9), 1024).reduce<PreviewImage | null>((_, m) => assembler.add(m), null)?.sopInstanceUid).toBe('2.25.9');
    });

    it('refuses a part that declares more pixels than any image may have, before making room for them', () => {
      const part = new Uint8Array(16);
      const view = new DataView(part.buffer);
      view.setUint32(8, 0xfffffff0, true);
      view.setUint32(12, 0xffffffff, true);
      expect(() => new PreviewFrameAssembler().add(part.buffer)).toThrow(/exceeds/);
    });
  });
});
