import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors.js';
import { controlWords, onsiteWords, presentTileLink, sequenceWords, tileWords } from '../../../renderer/src/desk/tile-words.js';
import { deskAlarm, deskTile } from './desk-fixtures.js';

describe('desk tile words', () => {
  it('says what is acquiring and how long it has left, as m:ss', () => {
    expect(sequenceWords({ state: 'acquiring', sequence: { name: 'T2 TSE axial', remainingS: 134 } })).toBe('T2 TSE axial · 2:14 left');
    expect(sequenceWords({ state: 'paused', sequence: { name: 'T2 TSE axial', remainingS: 60.2 } })).toBe('T2 TSE axial · paused, 1:01 left');
    expect(sequenceWords({ state: 'completed', sequence: null })).toBeNull();
  });

  it('names the onsite person with their credential level in words, or says nobody is checked in', () => {
    expect(onsiteWords({ name: 'Per Lunde', credential: 'level-2-mr-personnel' })).toBe('Per Lunde, Level 2 MR personnel');
    expect(onsiteWords(null)).toBe('Nobody checked in');
  });

  it('says "You" when this workstation holds control, else the holder, else the scanner room', () => {
    expect(controlWords({ controlHolder: 'Ingrid Haugen', youHoldControl: true })).toBe('You');
    expect(controlWords({ controlHolder: 'Ola Nordmann', youHoldControl: false })).toBe('Ola Nordmann');
    expect(controlWords({ controlHolder: null, youHoldControl: false })).toMatch(/scanner room/i);
  });

  it('gives link health a word and an icon as well as a colour', () => {
    const cases = [
      [{ link: 'connected', health: 'healthy', error: null }, 'Healthy', 'ok'],
      [{ link: 'connected', health: 'degraded', error: null }, 'Degraded', 'warn'],
      [{ link: 'lost', health: 'reconnecting', error: null }, 'Link lost, reconnecting', 'bad'],
      [{ link: 'refused', health: 'offline', error: { code: ErrorCode.SIGN_IN_FAILED, message: 'wrong password' } }, 'Sign-in refused', 'bad'],
      [{ link: 'disconnected', health: 'failed', error: { code: ErrorCode.LINK_DOWN, message: 'connect ECONNREFUSED' } }, 'Site not reachable', 'bad'],
      [
        { link: 'refused', health: 'offline', error: { code: ErrorCode.LINK_DOWN, message: 'sign-in at 127.0.0.1:9 failed: ECONNREFUSED' } },
        'Site not reachable',
        'bad',
      ],
      [{ link: 'refused', health: 'offline', error: { code: ErrorCode.INSECURE_LINK, message: 'ws:// to another host' } }, 'Not a secure link', 'bad'],
      [
        { link: 'refused', health: 'offline', error: { code: ErrorCode.TOO_MANY_CONNECTIONS, message: 'too many connections from 10.0.0.1' } },
        'Too many links from here',
        'bad',
      ],
      [{ link: 'refused', health: 'offline', error: { code: ErrorCode.HELLO_TIMEOUT, message: 'no hello within 10000 ms' } }, 'Site not reachable', 'bad'],
    ] as const;
    const icons = new Set<string>();
    for (const [tile, word, tone] of cases) {
      const shown = presentTileLink(tile);
      expect(shown.word).toBe(word);
      expect(shown.tone).toBe(tone);
      icons.add(shown.icon);
    }
    expect(icons.size).toBeGreaterThan(2);
  });

  it('shows why a site is down or refused sign-in, in words, with its code', () => {
    const words = tileWords(deskTile('b', { link: 'refused', error: { code: ErrorCode.SIGN_IN_FAILED, message: 'wrong user name or password' } }), 1);
    expect(words.problem).toEqual({ code: ErrorCode.SIGN_IN_FAILED, message: 'wrong user name or password' });
    expect(words.accessibleName).toContain('Sign-in refused (wrong user name or password)');
  });

  it('keeps no stale problem once the site is connected again', () => {
    expect(tileWords(deskTile('a', { error: { code: ErrorCode.LINK_DOWN, message: 'old' } }), 0).problem).toBeNull();
  });

  it('lists only unacknowledged alarms, newest first', () => {
    const tile = deskTile('c', {
      alarms: [
        deskAlarm('c', 'help-call', '2026-01-01T10:00:00.000Z', { text: 'Onsite calls for help' }),
        deskAlarm('c', 'emergency-stop', '2026-01-01T10:01:00.000Z', { text: 'Emergency stop by Per Lunde' }),
        deskAlarm('c', 'media-lost', '2026-01-01T10:02:00.000Z', { text: 'Video lost', acknowledged: true }),
      ],
    });
    expect(tileWords(tile, 2).alarms).toEqual(['Emergency stop by Per Lunde', 'Onsite calls for help']);
    expect(tileWords(tile, 2).alarmIcon).toBe('■');
  });

  it("marks a call for help with the alarm bar's glyph for it, not an emergency stop's", () => {
    const tile = deskTile('c', { alarms: [deskAlarm('c', 'help-call', '2026-01-01T10:00:00.000Z', { text: 'HELP CALLED by Olivia Onsite (onsite)' })] });
    expect(tileWords(tile, 2).alarmIcon).toBe('✆');
    expect(tileWords(deskTile('c'), 2).alarmIcon).toBeNull();
  });

  it('puts every fact of the tile and its shortcut in the accessible name', () => {
    const tile = deskTile('a', {
      site: { id: 'a', name: 'St. Olav MR-2', url: 'ws://127.0.0.1:1/' },
      state: 'acquiring',
      sequence: { name: 'T2 TSE axial', remainingS: 134 },
      onsite: { name: 'Per Lunde', credential: 'mr-safety-technologist' },
      youHoldControl: true,
      controlHolder: 'Me',
      unreadChat: 3,
    });
    const name = tileWords(tile, 0).accessibleName;
    for (const part of [
      'Scanner 1: St. Olav MR-2',
      'Larmor simulator 1.5 T',
      'link Healthy',
      'Acquiring, T2 TSE axial · 2:14 left',
      'Per Lunde, MR safety technologist',
      'control: You',
      '3 unread messages',
      'Ctrl+1',
    ]) {
      expect(name).toContain(part);
    }
  });

  it('caps the unread badge and has no shortcut past the ninth scanner', () => {
    const words = tileWords(deskTile('j', { unreadChat: 140 }), 9);
    expect(words.unread).toBe('99+');
    expect(words.shortcut).toBeNull();
  });
});
