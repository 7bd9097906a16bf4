import { describe, expect, it } from 'vitest';
import { keepsIncomingTrack } from '../../../../base/browser/call/incoming-track.js';

describe('tracks arriving from a peer', () => {
  it.each([['operator'], ['onsite']] as const)('keeps audio and video from the %s', (role) => {
    expect(keepsIncomingTrack(role, { kind: 'audio' })).toBe(true);
    expect(keepsIncomingTrack(role, { kind: 'video' })).toBe(true);
  });

  it('drops every track from an observer, who only receives', () => {
    expect(keepsIncomingTrack('observer', { kind: 'audio' })).toBe(false);
    expect(keepsIncomingTrack('observer', { kind: 'video' })).toBe(false);
  });

  it('drops kinds other than audio and video', () => {
    expect(keepsIncomingTrack('operator', { kind: 'data' })).toBe(false);
  });
});
