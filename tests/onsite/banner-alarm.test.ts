import { describe, expect, it } from 'vitest';
import { seenBy, seenByEach, standingAlarm } from '../../onsite/src/banner-alarm.js';
import type { OnsiteNotice } from '../../onsite/src/onsite-link.js';

let seq = 0;
const notice = (level: OnsiteNotice['level'], text: string, alarmKind?: OnsiteNotice['alarmKind']): OnsiteNotice => ({
  boot: 'boot-1',
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

  it('stands for an alarm from before the page opened only if it is a call for help no one had seen', () => {
    const earlier = (n: OnsiteNotice): OnsiteNotice => ({ ...n, earlier: true });
    const oldStop = earlier(notice('alarm', 'EMERGENCY STOP by Olivia', 'emergency-stop'));
    const oldCall = earlier(notice('alarm', 'HELP CALLED by Olivia', 'help-call'));
    expect(standingAlarm([oldStop], false, null)).toBeNull();
    expect(standingAlarm([oldStop, oldCall], false, null)).toBe(oldCall);
    const seen = { ...notice('info', 'Rita saw the call for help'), seen: { seq: oldCall.seq, by: 'Rita' } };
    expect(standingAlarm([oldStop, oldCall, earlier(seen)], false, null)).toBeNull();
    // Seen once the page had it: it stands, like a live call, until acknowledged here.
    expect(standingAlarm([oldStop, oldCall, seen], false, null)).toBe(oldCall);
    expect(standingAlarm([oldCall], false, oldCall)).toBeNull();
    // An operator loss from before stands through the snapshot (its own line), not through its notice.
    expect(standingAlarm([earlier(notice('alarm', 'Operator Ana: link lost', 'operator-loss'))], true, null)).toBeNull();
  });

  it('says who saw an alarm, from the notices after it that name it', () => {
    const call = notice('alarm', 'HELP CALLED by Olivia', 'help-call');
    const seenNotice = (by: string, seq: number): OnsiteNotice => ({ ...notice('info', `${by} saw the call for help`), seen: { seq, by } });
    // One naming the same number before the alarm is from an earlier boot of the gateway.
    const stale = seenNotice('Earlier', call.seq);
    const rita = seenNotice('Rita', call.seq);
    const other = seenNotice('Tom', call.seq + 100);
    // One naming the same number after it, from a later boot, is not about it either.
    const laterBoot: OnsiteNotice = { ...seenNotice('Later', call.seq), boot: 'boot-2' };
    expect(seenBy([stale, call, info, rita, other, laterBoot], call)).toEqual([{ by: 'Rita', at: rita.at }]);
    expect(seenBy([call], call)).toEqual([]);
  });

  it('says who saw each alarm of the log in one pass, as seenBy says of each', () => {
    const stop = notice('alarm', 'EMERGENCY STOP by Olivia', 'emergency-stop');
    const call = notice('alarm', 'HELP CALLED by Olivia', 'help-call');
    const seenNotice = (by: string, seq: number): OnsiteNotice => ({ ...notice('info', `${by} saw it`), seen: { seq, by } });
    const stale = seenNotice('Earlier', call.seq);
    const log = [stale, stop, info, seenNotice('Rita', call.seq), call, seenNotice('Rita', stop.seq), seenNotice('Tom', call.seq), seenNotice('Ann', call.seq)];
    const each = seenByEach(log);
    for (const alarm of [stop, call]) expect(each.get(alarm) ?? []).toEqual(seenBy(log, alarm));
    expect(each.get(call)?.map((s) => s.by)).toEqual(['Tom', 'Ann']);
    expect(each.has(info)).toBe(false);
  });
});
