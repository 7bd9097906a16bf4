import { appStore, useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';
import { useAlarmTone } from '../../../base/browser/use-alarm-tone.js';
import { deskShowsFocusedEmergency, focusedEmergencyAlarms } from '../desk/desk-session.js';

/**
 * An onsite emergency stop, impossible to miss: a full-width red banner with the reason, who
 * pressed it and when, and an audible alarm, both until this window's user acknowledges it.
 * Operators and observers alike see it (red, which the window keeps for a lost link or an emergency). An operator's
 * acknowledgement is recorded at the gateway, which tells the onsite console who saw it.
 */
export function EmergencyBanner() {
  const emergency = useApp((s) => s.snapshot?.onsite?.lastEmergency ?? null);
  const acknowledgedAt = useApp((s) => s.acknowledgedEmergencyAt);
  // On a desk the alarm bar carries it (with its acknowledgement recorded at the gateway): one alarm, one tone.
  const onDesk = useApp((s) => deskShowsFocusedEmergency(s.desk));
  const active = emergency !== null && emergency.at !== acknowledgedAt && !onDesk;
  const sound = useAlarmTone(active, emergency?.at);

  if (!active || !emergency) return null;
  const reason = spokenReason(emergency.reason);
  return (
    <div className="emergency-banner" role="alert" data-testid="emergency-banner" data-alarm={sound} data-emergency-at={emergency.at}>
      <span className="emergency-icon" aria-hidden="true">
        ■
      </span>
      <div className="emergency-text">
        <strong className="emergency-title">Emergency stop at the scanner</strong>
        <span>
          Pressed by <strong data-testid="emergency-by">{emergency.by}</strong> at <span className="mono">{formatClock(emergency.at)}</span>
          {'. '}
          {reason ? (
            <>
              Reason: <span data-testid="emergency-reason">{reason}</span>.{' '}
            </>
          ) : null}
          Scanning is stopped and remote control is back in the scanner room.
        </span>
        {sound === 'suspended' ? <span className="emergency-muted">Alarm sound is blocked by the browser until you click the page.</span> : null}
      </div>
      <button
        type="button"
        className="emergency-ack"
        data-testid="emergency-acknowledge"
        onClick={() => {
          const state = appStore.getState();
          state.acknowledgeEmergency(emergency.at);
          for (const alarm of focusedEmergencyAlarms(state.desk)) void state.acknowledgeAlarm(alarm.siteId, alarm.id);
        }}
      >
        Acknowledge and silence alarm
      </button>
    </div>
  );
}

/** The gateway's reason repeats who pressed it ("emergency stop by NAME (onsite): why"); keep the why. */
function spokenReason(reason: string): string {
  const m = /^emergency stop by .*? \(onsite\)(?::\s*([\s\S]*))?$/.exec(reason);
  return m ? (m[1] ?? '').trim() : reason;
}
