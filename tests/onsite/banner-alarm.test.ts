import { describe, expect, it } from 'vitest';
import { seenBy, standingAlarm } from '../../onsite/src/banner-alarm.js';
import type { OnsiteNotice } from '../../onsite/src/onsite-link.js';

let seq = 0;
const notice = (level: OnsiteNotice['level'], text: string, alarmKind?: OnsiteNotice['alarmKind']): OnsiteNotice => ({
  seq: ++seq,
  at: '2026-01-01T10:00:00.000Z',
  level,
  text,
  ...(alarmKind ? { alarmKind } : {}),
});

describe('the onsite banner’s standing alarm', () => {
  const estop = notice('alarm', 'EMERGENCY STOP by Olivia', 'emergency-stop');
  const info = notice('info', 'Olivia checked in');
  const help = notice('alarm', 'HELP CALLED by Olivia', 'help-call');

  it('is the newest alarm, not the newest notice', () => {
    expect(standingAlarm([estop, info], false, null)).toBe(estop);
    expect(standingAlarm([estop, help, info], false, null)).toBe(help);
    expect(standingAlarm([info], false, null)).toBeNull();
  });

  it('ends, with every alarm before it, once acknowledged; a later alarm stands again', () => {
    expect(standingAlarm([estop, help, info], false, help)).toBeNull();
    const later = notice('alarm', 'Onsite console not responding');
    expect(standingAlarm([estop, help, info, later], false, help)).toBe(later);
  });

  it('keeps an older alarm that was not acknowledged when a newer one was', () => {
    expect(standingAlarm([estop, help], false, estop)).toBe(help);
  });

  it('shows a lost operator link while the link is lost and drops it when it is back, acknowledged or not', () => {
    const loss = notice('alarm', 'Operator Ana: link lost', 'operator-loss');
    expect(standingAlarm([estop, loss], true, null)).toBe(loss);
    expect(standingAlarm([estop, loss], true, loss)).toBe(loss);
    // Back: what stood before it stands again.
    expect(standingAlarm([estop, loss], false, null)).toBe(estop);
    expect(standingAlarm([estop, loss], false, estop)).toBeNull();
  });

  it('tells notices apart by identity: after the gateway restarts its numbers, a new alarm still stands', () => {
    const acknowledged = notice('alarm', 'EMERGENCY STOP by Olivia', 'emergency-stop');
    const afterRestart: OnsiteNotice = { ...notice('alarm', 'HELP CALLED by Olivia', 'help-call'), seq: 1 };
    expect(standingAlarm([acknowledged, afterRestart], false, acknowledged)).toBe(afterRestart);
  });

  it('says who saw an alarm, from the notices after it that name it', () => {
    const call = notice('alarm', 'HELP CALLED by Olivia', 'help-call');
    const seenNotice = (by: string, seq: number): OnsiteNotice => ({ ...notice('info', `${by} saw the call for help`), seen: { seq, by } });
    // One naming the same number before the alarm is from an earlier boot of the gateway.
    const stale = seenNotice('Earlier', call.seq);
    const rita = seenNotice('Rita', call.seq);
    const other = seenNotice('Tom', call.seq + 100);
    expect(seenBy([stale, call, info, rita, other], call)).toEqual([{ by: 'Rita', at: rita.at }]);
    expect(seenBy([call], call)).toEqual([]);
  });
});
