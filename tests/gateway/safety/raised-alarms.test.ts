import { describe, expect, it } from 'vitest';
import { RaisedAlarms, seenWords } from '../../../gateway/safety/raised-alarms.js';
import { MAX_NOTICE_HISTORY, type NoticeAlarm } from '../../../protocol/messages.js';

const help: NoticeAlarm = { kind: 'help-call', detail: 'by Olivia (onsite)', by: 'Olivia' };

describe('raised alarms', () => {
  it('gives an alarm once to each person who sees it', () => {
    const alarms = new RaisedAlarms();
    alarms.record(7, help);
    expect(alarms.see(7, 'Rita')).toBe(help);
    expect(alarms.see(7, 'Rita')).toBeNull();
    expect(alarms.see(7, 'Tom')).toBe(help);
    expect(alarms.see(8, 'Rita')).toBeNull();
  });

  it('keeps as many alarms as a notice history holds, the newest, dropping the oldest first', () => {
    const alarms = new RaisedAlarms();
    for (let seq = 1; seq <= MAX_NOTICE_HISTORY + 1; seq++) alarms.record(seq, help);
    expect(alarms.see(1, 'Rita')).toBeNull();
    expect(alarms.see(2, 'Rita')).toBe(help);
    expect(alarms.see(MAX_NOTICE_HISTORY + 1, 'Rita')).toBe(help);
  });

  it('lets go an alarm someone has seen, or an operator loss, before an unseen stop or call however old', () => {
    const alarms = new RaisedAlarms();
    alarms.record(1, help);
    alarms.record(2, { kind: 'operator-loss', detail: 'Pat', by: 'Pat' });
    for (let seq = 3; seq <= MAX_NOTICE_HISTORY + 2; seq++) {
      alarms.record(seq, help);
      alarms.see(seq, 'Rita');
    }
    expect(alarms.isUnseen(1)).toBe(true);
    expect(alarms.isNewTo(2, 'Rita')).toBe(false);
    alarms.record(MAX_NOTICE_HISTORY + 3, help);
    expect([alarms.isUnseen(1), alarms.isNewTo(3, 'Tom')]).toEqual([true, false]);
  });

  it('words what was seen with the alarm’s own detail', () => {
    expect(seenWords(help, 'Rita')).toBe('Rita saw the call for help by Olivia (onsite)');
    expect(seenWords({ kind: 'emergency-stop', detail: 'by Olivia: acquisition stopped' }, 'Rita')).toBe(
      'Rita saw the emergency stop by Olivia: acquisition stopped',
    );
  });
});
