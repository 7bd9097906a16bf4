import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  CHECKLIST_ITEMS,
  CHECKLIST_WORDS,
  CONTINGENCY_WORDS,
  CREDENTIAL_WORDS,
  LEVEL_CREDENTIAL,
  type AccountLevel,
  type AckMessage,
  type ContingencyPlan,
  type SignInResponse,
  type OnsiteAction,
  type OnsiteStatus,
  type ScannerSnapshot,
} from '../../protocol/index.js';
import { CallView } from '../../base/browser/call/CallView.js';
import { listDevices } from '../../base/browser/call/local-media.js';
import type { SignalingPort } from '../../base/browser/call/signaling-port.js';
import { useCall } from '../../base/browser/call/use-call.js';
import { presentLinkStatus, presentScannerState, presentSequenceStatus } from '../../base/browser/status-words.js';
import { formatRemaining } from '../../base/common/acquisition-time.js';
import { StatusTag } from '../../base/browser/StatusTag.js';
import { useAlarmTone } from '../../base/browser/use-alarm-tone.js';
import { formatPersonName } from '../../base/common/person-name.js';
import { OnsiteLink, gatewayUrlOfPage, signInOnsite, type OnsiteLinkView, type OnsiteNotice, type UnreadMessages } from './onsite-link.js';
import { needsAcknowledging, seenBy, seenByEach, standingAlarm } from './banner-alarm.js';
import { HospitalSignInButton, takeSsoReturn } from './hospital-sign-in.js';
import { OnsiteViewer } from './OnsiteViewer.js';
import { ControlPanel, type Act } from './ControlPanel.js';
import { HandoverConfirm, OnsiteChat } from './OnsiteCollab.js';
import { formatClock } from '../../base/common/clock.js';

type Outcome = { action: string; state: 'pending' | 'done' | 'rejected'; text: string } | null;

/**
 * Actions whose result the console shows where it belongs: who is checked in, the checklist,
 * who holds remote control, the red banner (an emergency stop, a call for help and whether it
 * was seen). Once done, their line under the checklist goes instead of repeating it (a green
 * "Emergency stop: done" beside the red banner); a refusal stays until the next action.
 */
const SHOWN_IN_PLACE: ReadonlySet<OnsiteAction['name']> = new Set([
  'presence.check-in',
  'presence.check-out',
  'checklist.confirm',
  'control.grant',
  'control.revoke',
  'emergency.stop',
  'help.call',
]);

function useLink(link: OnsiteLink | null): OnsiteLinkView | null {
  const [view, setView] = useState<OnsiteLinkView | null>(null);
  useEffect(() => (link ? link.subscribe(setView) : undefined), [link]);
  return view;
}

/** The onsite console: presence, checklist, control, emergency stop, and the call with the remote technologist. */
export function OnsiteApp() {
  // Back from hospital sign-in: the credential opens the console at once (README "Hospital single sign-on").
  const [sso] = useState(takeSsoReturn);
  const [link, setLink] = useState<OnsiteLink | null>(() => {
    if (!sso?.ok) return null;
    const l = new OnsiteLink(gatewayUrlOfPage(), sso.credential);
    l.open();
    return l;
  });
  const [level, setLevel] = useState<AccountLevel | null>(() => (sso?.ok ? sso.level : null));
  const view = useLink(link);
  if (!link || !view)
    return (
      <SignIn
        ssoError={sso && !sso.ok ? sso.message : null}
        onSignedIn={(signedIn) => {
          const l = new OnsiteLink(gatewayUrlOfPage(), signedIn.credential);
          l.open();
          setLevel(signedIn.user.level);
          setLink(l);
        }}
      />
    );
  return <Console link={link} view={view} level={level} />;
}

/** Onsite staff sign in with their own account: name and MR level come from it, not from a form. */
function SignIn({ onSignedIn, ssoError }: { onSignedIn: (signedIn: SignInResponse) => void; ssoError: string | null }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!user.trim() || !password) return;
    setBusy(true);
    setError(null);
    signInOnsite(user.trim(), password, totp.trim()).then(
      (signedIn) => onSignedIn(signedIn),
      (err: Error) => {
        setBusy(false);
        setPassword('');
        setError(err.message);
      },
    );
  };
  return (
    <main className="connect-screen onsite-signin">
      <form className="panel onsite-signin-form" onSubmit={submit}>
        <h1>Larmor onsite console</h1>
        <p className="muted">For the technologist with the patient. You own positioning, contrast, screening and emergencies.</p>
        <label>
          User name
          <input
            data-testid="onsite-user"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            autoFocus
            autoComplete="username"
            spellCheck={false}
            maxLength={64}
          />
        </label>
        <label>
          Password
          <input data-testid="onsite-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        <label>
          Authenticator code (if asked)
          <input
            data-testid="onsite-totp"
            value={totp}
            onChange={(e) => setTotp(e.target.value)}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
          />
        </label>
        {error ? (
          <p className="error-line" role="alert" data-testid="onsite-signin-error">
            <span aria-hidden="true">✕</span> {error}
          </p>
        ) : null}
        <button type="submit" className="primary" data-testid="onsite-connect" disabled={busy || !user.trim() || !password}>
          {busy ? 'Signing in…' : 'Sign in and open console'}
        </button>
        <HospitalSignInButton role="onsite" />
        {ssoError ? (
          <p className="error-line" role="alert" data-testid="hospital-sign-in-error">
            <span aria-hidden="true">✕</span> Hospital sign-in refused: {ssoError}
          </p>
        ) : null}
      </form>
    </main>
  );
}

function Console({ link, view, level }: { link: OnsiteLink; view: OnsiteLinkView; level: AccountLevel | null }) {
  const snapshot = view.snapshot;
  const onsite = snapshot?.onsite;
  const me = view.sessionId;
  const checkedIn = onsite?.presence?.sessionId === me && me !== null;
  const [outcome, setOutcome] = useState<Outcome>(null);
  const act = async (action: OnsiteAction, label: string) => {
    setOutcome({ action: action.name, state: 'pending', text: `${label}…` });
    const ack: AckMessage = await link.act(action);
    if (ack.outcome === 'done' && SHOWN_IN_PLACE.has(action.name)) {
      setOutcome(null);
      return;
    }
    setOutcome({
      action: action.name,
      state: ack.outcome,
      text: ack.outcome === 'done' ? `${label}: done` : `${label} refused: ${ack.code} ${ack.reason ?? ''}`,
    });
  };
  const port = useMemo<SignalingPort>(() => ({ send: (m) => link.sendMedia(m), subscribe: (l) => link.subscribeMedia(l) }), [link]);
  const call = useCall(port, view.status === 'connected' ? view.sessionId : null, true);
  const [intercomSink, setIntercomSink] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState<OnsiteNotice | null>(null);
  const alarm = standingAlarm(view.notices, Boolean(snapshot?.onsite?.operatorLoss), acknowledged);
  const siteLine = snapshot ? `${snapshot.site.name} · ${snapshot.site.scanner}` : '';
  const exam = snapshot?.exam ?? null;
  const examLine = exam ? [formatPersonName(exam.patient.name), exam.patient.id, exam.description].filter(Boolean).join(' · ') : 'no exam open';
  return (
    <div className="session onsite-console">
      <header className="session-header">
        <strong className="brand">Larmor onsite</strong>
        <span className="header-site" title={siteLine}>
          {siteLine}
        </span>
        <span className="header-exam" data-testid="onsite-exam" title={examLine}>
          {examLine}
        </span>
        <StatusTag presentation={presentLinkStatus(view.status)} testId="onsite-link-status" />
        <button type="button" className="warn-action" data-testid="call-help" onClick={() => void act({ name: 'help.call' }, 'Call for help')}>
          ▲ Call remote technologist
        </button>
        <EmergencyStop onStop={(reason) => void act({ name: 'emergency.stop', ...(reason ? { reason } : {}) }, 'Emergency stop')} />
      </header>
      {view.error ? (
        <p className="failover-banner tone-bad" role="alert">
          {view.error}
        </p>
      ) : null}
      {alarm ? (
        <div className="failover-banner alarm-banner tone-bad" role="alert" data-testid="onsite-alarm">
          <span>
            ▲ {alarm.text}
            <AlarmSeen notices={view.notices} alarm={alarm} operatorConnected={snapshot?.participants.some((p) => p.role === 'operator') ?? false} />
          </span>
          {needsAcknowledging(alarm) ? (
            <button type="button" data-testid="onsite-alarm-acknowledge" onClick={() => setAcknowledged(alarm)}>
              Acknowledge
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="session-body">
        <section className="column column-left" aria-label="Presence and checklist">
          <Presence snapshot={snapshot} checkedIn={checkedIn} act={act} level={level} />
          <Checklist snapshot={snapshot} checkedIn={checkedIn} act={act} />
          {outcome ? (
            <p
              className={`panel outcome-${outcome.state} ${outcome.state === 'rejected' ? 'tone-bad' : outcome.state === 'done' ? 'tone-ok' : 'tone-info'}`}
              data-testid="onsite-outcome"
              role="status"
            >
              {outcome.text}
            </p>
          ) : null}
          <OnsiteChat link={link} chat={view.collab?.chat ?? null} />
        </section>
        <section className="column column-center" aria-label="Scanner">
          <OnsiteViewer link={link} marks={view.collab?.marks ?? null} />
          <ScannerPanel snapshot={snapshot} />
          <NoticeLog notices={view.notices} unread={view.unread} />
          <ContingencyPlans plans={view.plans} />
        </section>
        <section className="column column-right" aria-label="Call and control">
          <CallView call={call} role="onsite" intercomSinkId={intercomSink} remoteTitle="Remote technologist" selfTitle="Scanner-room camera" />
          <IntercomOutput onPick={setIntercomSink} />
          <HandoverConfirm link={link} handover={view.collab?.handover ?? null} checkedIn={checkedIn} />
          <ControlPanel snapshot={snapshot} me={me} checkedIn={checkedIn} act={act} />
        </section>
      </div>
    </div>
  );
}

/** The site's written plans (IAC: communication failure, internet instability, power outage, emergency). */
function ContingencyPlans({ plans }: { plans: ContingencyPlan[] }) {
  const written = plans.filter((p) => p.text.trim() !== '');
  return (
    <section className="panel" aria-label="Contingency plans" data-testid="onsite-plans">
      <h2 className="panel-title">Contingency plans</h2>
      {written.length === 0 ? <p className="muted">No written plans for this scanner yet (the site administrator adds them).</p> : null}
      {written.map((plan) => (
        <details key={plan.kind}>
          <summary>
            {CONTINGENCY_WORDS[plan.kind]} <span className="muted">version {plan.version}</span>
          </summary>
          <p className="plan-text">{plan.text}</p>
        </details>
      ))}
    </section>
  );
}

function EmergencyStop({ onStop }: { onStop: (reason: string) => void }) {
  const [arming, setArming] = useState(false);
  const [reason, setReason] = useState('');
  // Disarms itself 8 s after the last keystroke: an armed stop does not linger, nor vanish while a reason is typed.
  useEffect(() => {
    if (!arming) return;
    const t = setTimeout(() => setArming(false), 8000);
    return () => clearTimeout(t);
  }, [arming, reason]);
  if (!arming) {
    return (
      <button type="button" className="danger estop" data-testid="estop" onClick={() => setArming(true)}>
        ■ EMERGENCY STOP
      </button>
    );
  }
  return (
    // Escape cancels, as in any dialog (WAI-ARIA APG, "Dialog (Modal)"); focus starts on CONFIRM STOP.
    <div className="estop-confirm" role="alertdialog" aria-label="Confirm emergency stop" onKeyDown={(e) => e.key === 'Escape' && setArming(false)}>
      <input placeholder="reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} data-testid="estop-reason" />
      <button
        type="button"
        className="danger estop"
        data-testid="estop-confirm"
        autoFocus
        onClick={() => {
          setArming(false);
          onStop(reason.trim());
        }}
      >
        ■ CONFIRM STOP
      </button>
      <button type="button" className="small" onClick={() => setArming(false)}>
        Cancel
      </button>
    </div>
  );
}

/** Check-in states the MR level of the signed-in account; the gateway records that, not a choice made here. */
function Presence({ snapshot, checkedIn, act, level }: { snapshot: ScannerSnapshot | null; checkedIn: boolean; act: Act; level: AccountLevel | null }) {
  const credential = level ? LEVEL_CREDENTIAL[level] : 'registered-technologist';
  const presence = snapshot?.onsite?.presence ?? null;
  return (
    <div className="panel" aria-labelledby="presence-title">
      <h2 className="panel-title" id="presence-title">
        Presence
      </h2>
      <p data-testid="presence-status" className={presence ? 'tone-ok' : 'tone-warn'}>
        {presence ? `● ${presence.name} checked in · ${CREDENTIAL_WORDS[presence.credential]}` : '▲ Nobody is checked in: no acquisition can start'}
      </p>
      {!checkedIn ? (
        <div className="onsite-row">
          <span data-testid="onsite-credential" className="muted">
            {CREDENTIAL_WORDS[credential]}
          </span>
          <button
            type="button"
            className="primary"
            data-testid="onsite-check-in"
            disabled={presence !== null}
            title={presence ? `${presence.name} is checked in` : undefined}
            onClick={() => void act({ name: 'presence.check-in', credential }, 'Check in')}
          >
            Check in
          </button>
        </div>
      ) : (
        <button type="button" data-testid="onsite-check-out" onClick={() => void act({ name: 'presence.check-out' }, 'Check out')}>
          Check out
        </button>
      )}
    </div>
  );
}

function Checklist({ snapshot, checkedIn, act }: { snapshot: ScannerSnapshot | null; checkedIn: boolean; act: Act }) {
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const exam = snapshot?.exam ?? null;
  const confirmed = exam !== null && snapshot?.onsite?.checklist.studyUid === exam.studyUid;
  useEffect(() => setTicked(new Set()), [exam?.studyUid]);
  const all = CHECKLIST_ITEMS.every((i) => ticked.has(i));
  const why = !checkedIn ? 'check in first' : !exam ? 'no exam is open' : !all ? 'tick every item' : undefined;
  return (
    <div className="panel" aria-labelledby="checklist-title">
      <h2 className="panel-title" id="checklist-title">
        Screening and positioning
      </h2>
      {/* Which patient the checklist is for, name and ID whole: the header's line may be cut. */}
      {exam ? (
        <p className="exam-line" data-testid="checklist-patient">
          <span className="exam-fact">
            For <strong>{formatPersonName(exam.patient.name)}</strong>
            <span className="sep">·</span>
          </span>
          <span className="exam-fact mono">{exam.patient.id}</span>
        </p>
      ) : null}
      <p data-testid="checklist-status" className={confirmed ? 'tone-ok' : 'tone-warn'}>
        {confirmed ? `● Confirmed by ${snapshot?.onsite?.checklist.confirmedBy}` : exam ? '▲ Not confirmed for this exam' : 'No exam open'}
      </p>
      {!confirmed ? (
        <>
          <ul className="checklist">
            {CHECKLIST_ITEMS.map((item) => (
              <li key={item}>
                <label>
                  <input
                    type="checkbox"
                    data-testid={`checklist-${item}`}
                    checked={ticked.has(item)}
                    disabled={!checkedIn || !exam}
                    onChange={(e) =>
                      setTicked((t) => {
                        const next = new Set(t);
                        if (e.target.checked) next.add(item);
                        else next.delete(item);
                        return next;
                      })
                    }
                  />{' '}
                  {CHECKLIST_WORDS[item]}
                </label>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="primary"
            data-testid="checklist-confirm"
            disabled={why !== undefined}
            title={why}
            onClick={() => void act({ name: 'checklist.confirm', items: [...CHECKLIST_ITEMS] }, 'Checklist')}
          >
            Confirm checklist
          </button>
        </>
      ) : null}
    </div>
  );
}

function ScannerPanel({ snapshot }: { snapshot: ScannerSnapshot | null }) {
  const active = snapshot?.queue.find((s) => s.id === snapshot.activeSequenceId) ?? null;
  const state = snapshot ? presentScannerState(snapshot.state) : null;
  const emergency = snapshot?.onsite?.lastEmergency ?? null;
  const loss = snapshot?.onsite?.operatorLoss ?? null;
  return (
    <div className="panel" aria-labelledby="scanner-title">
      <h2 className="panel-title" id="scanner-title">
        Scanner
      </h2>
      <p>
        State:{' '}
        <strong data-testid="onsite-scanner-state" data-state={snapshot?.state}>
          {state ? `${state.icon} ${state.word}` : '—'}
        </strong>
        {active ? ` · ${active.name} ${Math.round(active.progress * 100)} % · ${formatRemaining(active.remainingS)} left` : ''}
      </p>
      {active ? <progress className="onsite-progress" max={1} value={active.progress} aria-label="Acquisition progress" /> : null}
      {loss ? <OperatorLossAlarm loss={loss} /> : null}
      {emergency ? (
        <p className="tone-bad" data-testid="last-emergency">
          ■ Last emergency stop {formatClock(emergency.at)}: {emergency.reason}
        </p>
      ) : null}
      <ol className="onsite-queue">
        {(snapshot?.queue ?? []).map((s) => {
          const status = presentSequenceStatus(s.status);
          return (
            <li key={s.id} data-testid="onsite-queue-item" data-status={s.status}>
              {s.name}{' '}
              <span className="muted">
                {status.icon} {status.word}
                {s.endReason ? ` (${s.endReason})` : ''}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/**
 * Whether anyone remote has seen the alarm: staff who called for help need to know that the call
 * got through, or that it has not yet and they should phone.
 */
function AlarmSeen({ notices, alarm, operatorConnected }: { notices: readonly OnsiteNotice[]; alarm: OnsiteNotice; operatorConnected: boolean }) {
  const seen = seenByWords(seenBy(notices, alarm));
  if (seen) return <span data-testid="onsite-alarm-seen">{seen}</span>;
  if (alarm.alarmKind !== 'help-call') return null;
  return (
    <span data-testid="onsite-alarm-seen">{operatorConnected ? ' · not yet seen by a remote technologist' : ' · no remote technologist is connected'}</span>
  );
}

/** " · seen by Rita at 10:02:11", or null while no one has seen the alarm. */
function seenByWords(seen: readonly { by: string; at: string }[]): string | null {
  return seen.length > 0 ? ` · seen by ${seen.map((s) => `${s.by} at ${formatClock(s.at)}`).join(', ')}` : null;
}

/**
 * A remote operator's link lost while they held control (safety rule 5, "alerts onsite at once"):
 * staff may be in the scanner room with the patient, or have the console behind another tab, so
 * the alarm tone sounds and the tab's title says it, until the link is back or control has
 * returned to onsite. Silencing stops the tone of this loss only; the line stays.
 */
function OperatorLossAlarm({ loss }: { loss: NonNullable<OnsiteStatus['operatorLoss']> }) {
  const [silenced, setSilenced] = useState<string | null>(null);
  const sounding = silenced !== loss.since;
  const sound = useAlarmTone(sounding, loss.since);
  useEffect(() => {
    const before = document.title;
    document.title = `▲ ${loss.name}: link lost · ${before}`;
    return () => {
      document.title = before;
    };
  }, [loss.name]);
  return (
    <div className="operator-loss tone-bad" role="alert" data-testid="operator-loss" data-alarm={sound}>
      <p>
        ✕ {loss.name}: link lost since {formatClock(loss.since)}; control returns to onsite at {formatClock(loss.controlReturnsAt)}
      </p>
      {sounding ? (
        <button type="button" className="small" data-testid="operator-loss-silence" onClick={() => setSilenced(loss.since)}>
          Silence alarm
        </button>
      ) : null}
      {sound === 'suspended' ? <p className="muted">The browser blocks the alarm sound until you click this page.</p> : null}
    </div>
  );
}

function NoticeLog({ notices, unread }: { notices: OnsiteLinkView['notices']; unread: UnreadMessages | null }) {
  // Who saw each alarm, from one pass over the notices, not one per alarm listed.
  const seen = useMemo(() => seenByEach(notices), [notices]);
  return (
    // Focusable: it scrolls, and keyboard users must reach what is below (WCAG 2.1.1).
    <div className="panel onsite-log" aria-labelledby="log-title" tabIndex={0}>
      <h2 className="panel-title" id="log-title">
        Events
      </h2>
      {unread ? (
        <p className="tone-warn" data-testid="onsite-unread" title={`${unread.code}: ${unread.message}`}>
          ▲ {unread.count === 1 ? 'A message' : `${unread.count} messages`} from the gateway could not be read: this console may be missing what{' '}
          {unread.count === 1 ? 'it' : 'they'} said. Check with the remote technologist. <span className="mono muted">{unread.code}</span>
        </p>
      ) : null}
      <ol data-testid="onsite-log">
        {[...notices].reverse().map((n) => (
          <li key={`${n.boot}:${n.seq}`} className={n.level === 'alarm' ? 'tone-bad' : n.level === 'warning' ? 'tone-warn' : undefined}>
            <span className="mono muted">{formatClock(n.at)}</span> {n.level === 'alarm' ? '▲ ' : ''}
            {n.text}
            {n.alarmKind ? <span className="muted">{seenByWords(seen.get(n) ?? [])}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Which audio output feeds the patient intercom: the operator's push-to-talk plays there. */
function IntercomOutput({ onPick }: { onPick: (id: string | null) => void }) {
  const [speakers, setSpeakers] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    void listDevices()
      .then((d) => setSpeakers(d.speakers))
      .catch(() => undefined);
  }, []);
  if (speakers.length === 0) return null;
  return (
    <label className="panel media-device">
      <span>Patient intercom output</span>
      <select data-testid="intercom-output" onChange={(e) => onPick(e.target.value || null)} defaultValue="">
        <option value="">Same as my speakers</option>
        {speakers.map((s, i) => (
          <option key={s.deviceId || i} value={s.deviceId}>
            {s.label || `Output ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
