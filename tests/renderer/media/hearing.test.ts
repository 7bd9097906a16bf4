import { describe, expect, it } from 'vitest';
import type { MediaMember, MediaState } from '../../../protocol/signaling.js';
import { whoHearsWhom } from '../../../renderer/src/media/hearing.js';

const on: MediaState = { audio: true, video: true, intercom: false, health: 'ok', healthReason: null };
const op = (state: Partial<MediaState> = {}): MediaMember => ({ sessionId: 'op', role: 'operator', name: 'Remote Tech', state: { ...on, ...state } });
const onsite = (state: Partial<MediaState> = {}): MediaMember => ({ sessionId: 'on', role: 'onsite', name: 'Onsite Tech', state: { ...on, ...state } });
const observer: MediaMember = { sessionId: 'ob', role: 'observer', name: 'Trainer', state: { ...on, audio: false, video: false } };

describe('who hears whom', () => {
  it('says both technologists hear each other, from the operator’s point of view', () => {
    const texts = whoHearsWhom([op(), onsite()], 'op').map((l) => l.text);
    expect(texts).toEqual(expect.arrayContaining(['Onsite Tech hears you', 'You hear Onsite Tech', 'Patient hears you (intercom closed)']));
  });

  it('marks a muted speaker as not heard', () => {
    const line = whoHearsWhom([op({ audio: false }), onsite()], 'on').find((l) => l.key === 'op>on')!;
    expect(line).toMatchObject({ text: 'You hear Remote Tech (muted)', live: false });
  });

  it('says the patient hears the operator while push-to-talk is held, even when muted', () => {
    const line = whoHearsWhom([op({ audio: false, intercom: true }), onsite()], 'on').find((l) => l.key === 'op>patient')!;
    expect(line).toMatchObject({ text: 'Patient hears Remote Tech (intercom open)', live: true });
  });

  it('lets observers hear both sides and nobody hear them', () => {
    const lines = whoHearsWhom([op(), onsite(), observer], 'ob');
    expect(lines.map((l) => l.text)).toEqual(expect.arrayContaining(['You hear Remote Tech', 'You hear Onsite Tech', 'Nobody hears observers: they receive only']));
    expect(lines.some((l) => l.key.startsWith('ob>'))).toBe(false);
  });
});
