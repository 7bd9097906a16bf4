import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MAX_MEDIA_MEMBERS,
  MEDIA_HEALTH_REASON_MAX,
  MEDIA_HEARS_MAX,
  MediaMember as MediaMemberSchema,
  MediaState,
  decodeClientMessage,
  decodeGatewayMessage,
  exchangesMedia,
  mediaHealthReason,
  offersTo,
  sdpIsReceiveOnly,
  type MediaMember,
} from '../../protocol/index.js';

const state = { audio: true, video: true, intercom: false, health: 'ok' as const, healthReason: null };
const member = (sessionId: string, role: MediaMember['role']): MediaMember => ({ sessionId, role, name: sessionId, state });

describe('signaling contract', () => {
  it('pairs operator with onsite, and each with an observer, but never two of a kind', () => {
    expect(exchangesMedia('operator', 'onsite')).toBe(true);
    expect(exchangesMedia('observer', 'onsite')).toBe(true);
    expect(exchangesMedia('observer', 'operator')).toBe(true);
    expect(exchangesMedia('observer', 'observer')).toBe(false);
    expect(exchangesMedia('operator', 'operator')).toBe(false);
  });

  it('lets the later of a pair make the offer, so both sides agree', () => {
    const members = [member('a', 'onsite'), member('b', 'operator')];
    expect(offersTo(members, 'b', 'a')).toBe(true);
    expect(offersTo(members, 'a', 'b')).toBe(false);
  });

  it.each([
    ['recvonly', 'm=audio 9 X 0\r\na=recvonly\r\nm=video 9 X 96\r\na=recvonly\r\n', true],
    ['inactive', 'm=video 9 X 96\r\na=inactive\r\n', true],
    ['sendrecv', 'm=audio 9 X 0\r\na=recvonly\r\nm=video 9 X 96\r\na=sendrecv\r\n', false],
    ['sendonly', 'm=audio 9 X 0\r\na=sendonly\r\n', false],
    ['no direction (RFC 4566: sendrecv)', 'm=audio 9 X 0\r\na=mid:0\r\n', false],
  ])('judges an SDP with %s media as receive-only: %s', (_name, media, expected) => {
    expect(sdpIsReceiveOnly(`v=0\r\ns=-\r\nt=0 0\r\n${media}`)).toBe(expected);
  });

  it('refuses a signal carrying both a description and a candidate', () => {
    const decoded = decodeClientMessage(JSON.stringify({ type: 'signal', to: 'x', description: { type: 'offer', sdp: 'v=0' }, candidate: { candidate: 'c' } }));
    expect(decoded).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
  });

  it('takes no room larger than the gateway may send, so a client never builds more connections than a full call has', () => {
    const room = (n: number) =>
      JSON.stringify({
        type: 'media.room',
        self: 'm0',
        iceServers: [],
        members: Array.from({ length: n }, (_, i) => member(`m${i}`, i === 0 ? 'operator' : 'observer')),
      });
    expect(decodeGatewayMessage(room(MAX_MEDIA_MEMBERS))).toMatchObject({ ok: true });
    expect(decodeGatewayMessage(room(MAX_MEDIA_MEMBERS + 1))).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
  });

  it('answers a malformed onsite action with the parameter code', () => {
    const decoded = decodeClientMessage(JSON.stringify({ type: 'onsite', id: 'abcdefgh', action: { name: 'presence.check-in', credential: 'janitor' } }));
    expect(decoded).toMatchObject({ ok: false, code: ErrorCode.INVALID_PARAMETER });
  });

  it('bounds a member of the room, its largest state included, well under a kilobyte of JSON', () => {
    const largest = MediaState.parse({
      audio: false,
      video: false,
      intercom: false,
      health: 'degraded',
      // Three bytes of UTF-8 each: the most a character the schema takes costs.
      healthReason: '\u2014'.repeat(MEDIA_HEALTH_REASON_MAX),
      hears: Array.from({ length: MEDIA_HEARS_MAX }, () => 'ffffffff-ffff-4fff-bfff-ffffffffffff'),
    });
    const entry = MediaMemberSchema.parse({ sessionId: 'ffffffff-ffff-4fff-bfff-ffffffffffff', role: 'observer', name: 'n'.repeat(64), state: largest });
    expect(new TextEncoder().encode(JSON.stringify(entry)).length).toBeLessThan(900);
  });

  it.each([
    ['a long reason', `Remote Tech: signaling error: ${'x'.repeat(500)}`],
    ['control characters', 'Remote\u0000Tech:\u0007 no frames'],
    ['a surrogate pair across the cut', `${'x'.repeat(MEDIA_HEALTH_REASON_MAX - 2)}\u{1f600}\u{1f600}`],
    ['a lone surrogate', 'Remote Tech \ud800: ICE failed'],
  ])('makes a health reason with %s one the schema takes', (_name, text) => {
    const reason = mediaHealthReason(text);
    expect(reason.length).toBeLessThanOrEqual(MEDIA_HEALTH_REASON_MAX);
    expect(MediaState.safeParse({ ...state, health: 'failed', healthReason: reason }).success).toBe(true);
  });

  it('keeps a short plain reason as it is', () => {
    expect(mediaHealthReason('Onsite Tech: ICE failed')).toBe('Onsite Tech: ICE failed');
  });
});
