import { describe, expect, it } from 'vitest';
import { alarmBarAlarms, mostUrgentWords, pendingAlarms, presentAlarmKind } from '../../../renderer/src/desk/alarms.js';
import { deskAlarm, deskTile, deskView } from './desk-fixtures.js';

describe('desk alarm bar order', () => {
  it('gathers unacknowledged alarms from every scanner, whichever one is focused', () => {
    const view = deskView(
      [
        deskTile('a'),
        deskTile('b', { alarms: [deskAlarm('b', 'link-lost', '2026-01-01T10:00:00.000Z')] }),
        deskTile('c', { alarms: [deskAlarm('c', 'help-call', '2026-01-01T10:00:00.000Z', { acknowledged: true })] }),
      ],
      'a',
    );
    const pending = pendingAlarms(view);
    expect(pending.map((p) => [p.alarm.siteId, p.siteName, p.tileIndex])).toEqual([['b', 'Site B', 1]]);
  });

  it('puts an emergency stop first, then a call for help, then connection alarms', () => {
    const view = deskView([
      deskTile('a', { alarms: [deskAlarm('a', 'media-lost', '2026-01-01T10:05:00.000Z'), deskAlarm('a', 'link-lost', '2026-01-01T10:04:00.000Z')] }),
      deskTile('b', { alarms: [deskAlarm('b', 'help-call', '2026-01-01T10:03:00.000Z'), deskAlarm('b', 'operator-loss', '2026-01-01T10:06:00.000Z')] }),
      deskTile('c', { alarms: [deskAlarm('c', 'emergency-stop', '2026-01-01T10:00:00.000Z')] }),
    ]);
    expect(pendingAlarms(view).map((p) => p.alarm.kind)).toEqual(['emergency-stop', 'help-call', 'operator-loss', 'link-lost', 'media-lost']);
  });

  it('shows the newest of one kind first, comparing instants across time zones', () => {
    const view = deskView([
      deskTile('a', { alarms: [deskAlarm('a', 'help-call', '2026-01-01T11:30:00.000+01:00')] }), // 10:30Z
      deskTile('b', { alarms: [deskAlarm('b', 'help-call', '2026-01-01T10:45:00.000Z')] }),
    ]);
    expect(pendingAlarms(view).map((p) => p.alarm.siteId)).toEqual(['b', 'a']);
  });

  it('is empty without a desk', () => {
    expect(pendingAlarms(null)).toEqual([]);
  });

  it('shows on a console of one scanner only what has no banner there: a call for help', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const kinds = ['emergency-stop', 'help-call', 'operator-loss', 'link-lost', 'media-lost'] as const;
    const one = deskView([deskTile('a', { alarms: kinds.map((kind) => deskAlarm('a', kind, at)) })]);
    expect(alarmBarAlarms(one).map((p) => p.alarm.kind)).toEqual(['help-call']);
    const two = deskView([deskTile('a', { alarms: kinds.map((kind) => deskAlarm('a', kind, at)) }), deskTile('b')]);
    expect(alarmBarAlarms(two)).toHaveLength(5);
    expect(alarmBarAlarms(null)).toEqual([]);
  });

  it('names the scanner to a screen reader on a desk, and not on a console of one scanner', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const two = deskView([deskTile('a'), deskTile('b', { alarms: [deskAlarm('b', 'help-call', at)] })]);
    expect(mostUrgentWords(alarmBarAlarms(two), true)).toBe('Most urgent: Call for help on scanner 2, Site B.');
    const one = deskView([deskTile('a', { alarms: [deskAlarm('a', 'help-call', at)] })]);
    expect(mostUrgentWords(alarmBarAlarms(one), false)).toBe('Most urgent: Call for help.');
    expect(mostUrgentWords([], false)).toBe('');
  });

  it('makes emergency stops and calls for help the red bar, with a word for each kind', () => {
    expect(presentAlarmKind('emergency-stop').tone).toBe('emergency');
    expect(presentAlarmKind('help-call').tone).toBe('emergency');
    expect(presentAlarmKind('media-lost').tone).not.toBe('emergency');
    expect(presentAlarmKind('operator-loss').word).toMatch(/operator/i);
  });
});
