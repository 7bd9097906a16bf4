import { useMemo } from 'react';
import { appStore, useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';
import { useAlarmTone } from '../../../base/browser/use-alarm-tone.js';
import { alarmBarAlarms, alarmSourceWords, mostUrgentWords, presentAlarmKind } from './alarms.js';
import { deskShown } from './desk-session.js';

/**
 * Unacknowledged alarms from every scanner on the desk, whichever one is focused: full width,
 * in the layout (never floating over the scan controls), with the alarm tone until every one is
 * acknowledged. Acknowledging is recorded at that scanner's gateway. A console of one scanner
 * shows here the alarms it has no banner for (alarms.ts `alarmBarAlarms`).
 */
export function DeskAlarmBar() {
  const desk = useApp((s) => s.desk);
  const acknowledging = useApp((s) => s.acknowledging);
  const seen = useApp((s) => s.seenByObserver);
  const pending = useMemo(() => alarmBarAlarms(desk, seen), [desk, seen]);
  const onDesk = deskShown(desk);
  const active = pending.length > 0;
  const sound = useAlarmTone(active);

  if (!active) return null;
  const emergency = pending.some((p) => presentAlarmKind(p.alarm.kind).tone === 'emergency');
  return (
    <section
      className={`desk-alarm-bar${emergency ? ' emergency' : ''}`}
      aria-label={onDesk ? 'Alarms from your scanners' : 'Alarms from your scanner'}
      data-testid="desk-alarm-bar"
      data-alarm={sound}
    >
      <div className="alarm-bar-head" role="alert">
        <strong>{pending.length === 1 ? '1 alarm' : `${pending.length} alarms`} to acknowledge</strong>
        {sound === 'suspended' ? <span className="alarm-muted">Alarm sound is blocked by the browser until you click the page.</span> : null}
        {/* Read out by screen readers whenever the most urgent alarm changes, even if the count does not. */}
        <span className="sr-only">{mostUrgentWords(pending, onDesk)}</span>
      </div>
      <ul className="alarm-list">
        {pending.map((p) => {
          const { alarm, siteName, tileIndex } = p;
          const kind = presentAlarmKind(alarm.kind);
          const where = alarmSourceWords(p, onDesk);
          return (
            <li key={alarm.id} className={`alarm-row alarm-${kind.tone}`} data-testid="desk-alarm" data-kind={alarm.kind} data-site-id={alarm.siteId}>
              <span className="alarm-icon" aria-hidden="true">
                {kind.icon}
              </span>
              <strong className="alarm-kind">{kind.word}</strong>
              {/* One scanner: the header names it, and it is the one on screen. */}
              {onDesk ? (
                <span className="alarm-scanner">
                  Scanner {tileIndex + 1} · {siteName}
                </span>
              ) : null}
              <span className="alarm-text" data-testid="desk-alarm-text" title={alarm.text}>
                {alarm.detail}
              </span>
              <span className="alarm-time mono">at {formatClock(alarm.at)}</span>
              <span className="alarm-actions">
                {onDesk ? (
                  <button type="button" className="small" onClick={() => void appStore.getState().focusScanner(alarm.siteId)} data-testid="desk-alarm-show">
                    Show
                    <span className="sr-only"> {where}</span>
                  </button>
                ) : null}
                <button
                  type="button"
                  className="small alarm-ack"
                  disabled={acknowledging[alarm.id] === true}
                  title={acknowledging[alarm.id] ? 'Waiting for the gateway to record it' : undefined}
                  onClick={() => void appStore.getState().acknowledgeAlarm(alarm.siteId, alarm.id)}
                  data-testid="desk-alarm-acknowledge"
                >
                  Acknowledge
                  <span className="sr-only">
                    : {kind.word}
                    {where ? `, ${where}` : ''}
                  </span>
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
