import { describe, expect, it } from 'vitest';
import { deskStartLimit } from '../../../renderer/src/desk/desk-start-limit.js';
import { deskTile, deskView } from './desk-fixtures.js';

describe('the desk start limit on Start and Resume', () => {
  it('holds Start back while another scanner under your control is acquiring, naming it', () => {
    const view = deskView(
      [deskTile('a'), deskTile('b', { youHoldControl: true, state: 'acquiring', site: { id: 'b', name: 'Levanger MR-1', url: 'ws://x' } })],
      'a',
    );
    expect(deskStartLimit(view)).toEqual({
      enabled: false,
      reason: expect.stringMatching(/^Levanger MR-1 is acquiring under your control; your policy allows 1 acquisition at a time$/),
    });
  });

  it('counts a paused acquisition, but not the focused scanner itself nor one someone else controls', () => {
    expect(deskStartLimit(deskView([deskTile('a'), deskTile('b', { youHoldControl: true, state: 'paused' })], 'a'))?.enabled).toBe(false);
    expect(deskStartLimit(deskView([deskTile('a', { youHoldControl: true, state: 'paused' }), deskTile('b')], 'a'))).toBeNull();
    expect(deskStartLimit(deskView([deskTile('a'), deskTile('b', { youHoldControl: false, controlHolder: 'Someone', state: 'acquiring' })], 'a'))).toBeNull();
  });

  it('allows as many as the policy says', () => {
    const view = { ...deskView([deskTile('a'), deskTile('b', { youHoldControl: true, state: 'acquiring' })], 'a'), maxConcurrentAcquisitions: 2 };
    expect(deskStartLimit(view)).toBeNull();
  });
});
