import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MAX_NOTICE_HISTORY,
  PROTOCOL_VERSION,
  ScannerCommand,
  decodeClientMessage,
  decodeGatewayMessage,
  decodeImageFrame,
  encodeImageFrame,
  decodePreviewFrame,
  encodePreviewFrame,
  type PreviewImage,
} from '../../protocol/index.js';

const hello = { type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: { name: 'A' } };

describe('decodeClientMessage', () => {
  it('accepts a valid hello', () => {
    expect(decodeClientMessage(JSON.stringify(hello))).toEqual({ ok: true, message: hello });
  });

  it('accepts a resume point with its gateway boot, and a command.status lookup', () => {
    const resume = { ...hello, resumeFrom: 7, resumeBootId: 'boot-1' };
    expect(decodeClientMessage(JSON.stringify(resume))).toEqual({ ok: true, message: resume });
    const lookup = { type: 'command.status', ids: ['cmd-aaaaaaaa', 'cmd-bbbbbbbb'] };
    expect(decodeClientMessage(JSON.stringify(lookup))).toEqual({ ok: true, message: lookup });
  });

  it.each([
    ['malformed JSON', '{"type":', ErrorCode.MALFORMED_JSON],
    ['a JSON array', '[1,2]', ErrorCode.INVALID_MESSAGE],
    ['an unknown type', '{"type":"launch"}', ErrorCode.UNKNOWN_MESSAGE_TYPE],
    ['a missing type', '{"id":1}', ErrorCode.UNKNOWN_MESSAGE_TYPE],
    ['another protocol version', JSON.stringify({ ...hello, version: 99 }), ErrorCode.VERSION_MISMATCH],
    ['an unknown role', JSON.stringify({ ...hello, role: 'admin' }), ErrorCode.INVALID_MESSAGE],
    ['a command with a bad id', JSON.stringify({ type: 'command', id: 'x', command: { name: 'scan.stop' } }), ErrorCode.INVALID_PARAMETER],
    ['an unknown command', JSON.stringify({ type: 'command', id: 'abcdefgh', command: { name: 'scan.warp' } }), ErrorCode.INVALID_PARAMETER],
    ['a command.status with no ids', JSON.stringify({ type: 'command.status', ids: [] }), ErrorCode.INVALID_MESSAGE],
    [
      'a command.status with over 100 ids',
      JSON.stringify({ type: 'command.status', ids: Array.from({ length: 101 }, (_, i) => `cmd-id-${i}`) }),
      ErrorCode.INVALID_MESSAGE,
    ],
    ['a command.status with a bad id', JSON.stringify({ type: 'command.status', ids: ['x'] }), ErrorCode.INVALID_MESSAGE],
  ])('rejects %s with a stable code', (_name, text, code) => {
    const result = decodeClientMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });
});

describe('notice.history', () => {
  const notice = (seq: number) => ({ type: 'event', seq, at: '2026-12-05T09:00:00.000Z', body: { kind: 'notice', level: 'info', text: `n${seq}` } });

  it('carries notice events, up to MAX_NOTICE_HISTORY', () => {
    const history = { type: 'notice.history', events: Array.from({ length: MAX_NOTICE_HISTORY }, (_, i) => notice(i + 1)) };
    expect(decodeGatewayMessage(JSON.stringify(history))).toEqual({ ok: true, message: history });
  });

  it.each([
    ['more than MAX_NOTICE_HISTORY', { type: 'notice.history', events: Array.from({ length: MAX_NOTICE_HISTORY + 1 }, (_, i) => notice(i + 1)) }],
    ['an event that is no notice', { type: 'notice.history', events: [{ ...notice(1), body: { kind: 'plans', plans: [] } }] }],
  ])('refuses %s', (_name, history) => {
    expect(decodeGatewayMessage(JSON.stringify(history))).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
  });
});

describe('ScannerCommand schema', () => {
  it('rejects a patient without an id', () => {
    const parsed = ScannerCommand.safeParse({
      name: 'exam.open',
      patient: { name: 'X', id: '', birthDate: null, sex: null, weightKg: null },
      description: '',
      accessionNumber: null,
    });
    expect(parsed.success).toBe(false);
  });

  it('accepts a partial parameter edit', () => {
    expect(ScannerCommand.safeParse({ name: 'sequence.edit', sequenceId: 's1', changes: { trMs: 500 } }).success).toBe(true);
  });
});

describe('image frames', () => {
  it('round-trips header and DICOM bytes without copying the payload on decode', () => {
    const part10 = new Uint8Array([1, 2, 3, 4, 5]);
    const header = {
      seq: 7,
      at: '2026-01-01T00:00:00.000Z',
      source: 'simulator' as const,
      transferSyntaxUid: '1.2.840.10008.1.2.5',
      sopInstanceUid: '1.2.3',
      seriesUid: '1.2',
      imagesInSeries: 20,
    };
    const frame = encodeImageFrame(header, part10);
    const decoded = decodeImageFrame(frame);
    expect(decoded.header).toEqual(header);
    expect([...decoded.part10]).toEqual([1, 2, 3, 4, 5]);
    expect(decoded.part10.buffer).toBe(frame.buffer);
  });

  it('rejects a frame whose header length points past its end', () => {
    const frame = new Uint8Array(8);
    new DataView(frame.buffer).setUint32(0, 1000, true);
    expect(() => decodeImageFrame(frame)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_MESSAGE }));
  });

  it('aligns preview pixels so they can be viewed as 16-bit samples', () => {
    const pixels = new Uint16Array([0, 1, 65535, 1234]).buffer;
    const image = { seriesUid: 's', sopInstanceUid: 'i', rows: 2, columns: 2, pixels } as unknown as PreviewImage;
    const decoded = decodePreviewFrame(encodePreviewFrame(image).buffer as ArrayBuffer);
    expect([...new Uint16Array(decoded.pixels)]).toEqual([0, 1, 65535, 1234]);
    expect(decoded.seriesUid).toBe('s');
  });
});
