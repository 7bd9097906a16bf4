import { describe, expect, it } from 'vitest';
import type { MediaMember, MediaState } from '../../../../protocol/signaling.js';
import { whoHearsWhom } from '../../../../base/browser/call/hearing.js';

const on: MediaState = { audio: true, video: true, intercom: false, health: 'ok', healthReason: null };
const op = (state: Partial<MediaState> = {}): MediaMember => ({ sessionId: 'op', role: 'operator', name: 'Remote Tech', state: { ...on, ...state } });
const onsite = (state: Partial<MediaState> = {}): MediaMember => ({ sessionId: 'on', role: 'onsite', name: 'Onsite Tech', state: { ...on, ...state } });
const observer = (hears: string[] = []): MediaMember => ({
  sessionId: 'ob',
  role: 'observer',
  name: 'Trainer',
  state: { ...on, audio: false, video: false, hears },
});

describe('who hears whom, from measured audio', () => {
  it("says both technologists hear each other when each measured the other's audio arriving", () => {
    const texts = whoHearsWhom([op({ hears: ['on'] }), onsite({ hears: ['op'] })], 'op', ['on']).map((l) => l.text);
    expect(texts).toEqual(expect.arrayContaining(['Onsite Tech hears you', 'You hear Onsite Tech', 'Patient hears you (intercom closed)']));
  });

  it('does not claim anyone hears an open microphone whose audio is not arriving', () => {
    const lines = whoHearsWhom([op({ hears: [] }), onsite({ hears: [] })], 'op', []);
    expect(lines.find((l) => l.key === 'op>on')).toMatchObject({ text: 'Onsite Tech does not hear you (no sound arriving)', live: false });
    expect(lines.find((l) => l.key === 'on>op')).toMatchObject({ text: 'You do not hear Onsite Tech (no sound arriving)', live: false });
  });

  it('says why when the speaker is muted', () => {
    const line = whoHearsWhom([op({ audio: false }), onsite({ hears: [] })], 'on', []).find((l) => l.key === 'op>on')!;
    expect(line).toMatchObject({ text: 'You do not hear Remote Tech (muted)', live: false });
  });

  it('says "not measured" for a listener that publishes no measurement (an older console)', () => {
    const line = whoHearsWhom([op(), onsite()], 'ob', []).find((l) => l.key === 'op>on')!;
    expect(line).toMatchObject({ text: 'Onsite Tech does not hear Remote Tech (not measured)', live: false });
  });

  it('shows the intercom as open while the operator holds push-to-talk, even when muted', () => {
    const line = whoHearsWhom([op({ audio: false, intercom: true }), onsite()], 'on').find((l) => l.key === 'op>patient')!;
    expect(line).toMatchObject({ text: 'Patient hears Remote Tech (intercom open)', live: true });
  });

  it('lets observers hear both sides, measured, and says nobody hears them', () => {
    const lines = whoHearsWhom([op(), onsite(), observer()], 'ob', ['op', 'on']);
    expect(lines.map((l) => l.text)).toEqual(
      expect.arrayContaining(['You hear Remote Tech', 'You hear Onsite Tech', 'Nobody hears observers: they receive only']),
    );
  });
});
