import { describe, expect, it } from 'vitest';
import { PreviewFrameError, decodePreviewFrame, encodePreviewFrame, previewFrameParts, type PreviewImage } from '../../protocol/index.js';

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
});
