import { useEffect, useRef, useState } from 'react';
import type { CallModel } from './use-call.js';
import type { PeerView } from './peer-mesh.js';
import { formatQuality } from './quality.js';
import { whoHearsWhom } from './hearing.js';
import './media.css';

const HEALTH_WORDS = { connecting: ['◌', 'Connecting'], ok: ['●', 'Live'], degraded: ['▲', 'Degraded'], failed: ['✕', 'No media'] } as const;
const ROLE_WORDS = { operator: 'Remote technologist', onsite: 'Scanner room', observer: 'Observer' } as const;

/**
 * A <video> bound to a MediaStream (React has no srcObject prop). Muted: audio plays in
 * <RemoteAudio>. The wall-clock time of the first presented frame is kept in data-first-frame-at
 * (requestVideoFrameCallback), for the media benchmark.
 */
function StreamVideo({ stream, testId, mirrored }: { stream: MediaStream | null; testId: string; mirrored?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    el.removeAttribute('data-first-frame-at');
    el.requestVideoFrameCallback?.(() => el.setAttribute('data-first-frame-at', String(Date.now())));
    if (stream) void el.play().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rerun when a track joins the same stream
  }, [stream, stream?.getTracks().length]);
  return <video ref={ref} className={`media-video${mirrored ? ' mirrored' : ''}`} data-testid={testId} autoPlay playsInline muted />;
}

/**
 * The remote side's sound. Browsers may refuse to start audio before the user has touched the
 * page; then the pane offers a button instead of failing silently.
 */
function RemoteAudio({ stream, sinkId }: { stream: MediaStream; sinkId: string | null }) {
  const ref = useRef<HTMLAudioElement>(null);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    el.play().then(
      () => setBlocked(false),
      () => setBlocked(true),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rerun when an audio track joins the same stream
  }, [stream, stream.getAudioTracks().length]);
  useEffect(() => {
    // '' is the system default output (Audio Output Devices API).
    const el = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (el?.setSinkId) void el.setSinkId(sinkId ?? '').catch(() => undefined);
  }, [sinkId]);
  return (
    <>
      <audio ref={ref} autoPlay />
      {blocked ? (
        <button type="button" className="small media-unblock" onClick={() => void ref.current?.play().then(() => setBlocked(false))}>
          ▶ Enable sound
        </button>
      ) : null}
    </>
  );
}

function RemotePane({ peer, sinkId }: { peer: PeerView; sinkId: string | null }) {
  const [icon, word] = HEALTH_WORDS[peer.health];
  const tone = peer.health === 'ok' ? 'ok' : peer.health === 'connecting' ? 'info' : peer.health === 'degraded' ? 'warn' : 'bad';
  const q = peer.quality;
  return (
    <div
      className="media-pane remote"
      data-testid="remote-pane"
      data-peer-role={peer.role}
      data-peer-name={peer.name}
      data-peer-session={peer.sessionId}
      data-health={peer.health}
      data-frames-decoded={q?.framesDecoded ?? 0}
      data-width={q?.width ?? ''}
      data-height={q?.height ?? ''}
      data-fps={q?.fps ?? ''}
      data-kbps={q?.kbps ?? ''}
      data-loss-pct={q?.lossPct ?? ''}
      data-rtt-ms={q?.rttMs ?? ''}
      data-audio-power={q?.audioPower ?? ''}
      data-outgoing-tracks={q?.outgoingTracks ?? 0}
      data-ice-restarts={peer.iceRestarts}
    >
      {/* A new stream (after a rollback or a rebuild) gets a new element: a fresh decoder sink. */}
      <StreamVideo key={peer.stream.id} stream={peer.stream} testId="remote-video" />
      {peer.role !== 'observer' ? <RemoteAudio stream={peer.stream} sinkId={sinkId} /> : null}
      <div className="media-caption">
        <span>
          {ROLE_WORDS[peer.role]}: <strong>{peer.name}</strong>
          {peer.state.audio ? '' : ' · muted'}
          {peer.state.video ? '' : ' · camera off'}
        </span>
        <span className={`status-tag tone-${tone}`} data-testid="media-health" title={`${word}: ${formatQuality(q)}`}>
          <span aria-hidden="true">{icon}</span> {word}
        </span>
      </div>
      {peer.problem ? (
        <p className="media-problem tone-bad" role="status">
          {peer.problem}
        </p>
      ) : null}
      <p className="media-quality mono" data-testid="media-quality" title="From getStats(): resolution, frame rate, bitrate, packet loss, round-trip time">
        {formatQuality(q)}
      </p>
    </div>
  );
}

/**
 * The call as one console shows it: the other side large, this side small, the controls, and
 * who hears whom. Used by the workstation (VideoPanes) and the onsite console alike.
 */
export function CallView({
  call,
  role,
  intercomSinkId = null,
  selfTitle = 'My camera',
  remoteTitle,
}: {
  call: CallModel;
  role: 'operator' | 'onsite' | 'observer';
  /** Onsite: the audio output that feeds the patient intercom. */
  intercomSinkId?: string | null;
  selfTitle?: string;
  remoteTitle: string;
}) {
  const [speakerId, setSpeakerId] = useState<string | null>(null);
  const remote = call.peers.filter((p) => p.role !== 'observer');
  const hearing = whoHearsWhom(call.members, call.selfId, call.heard);
  const operatorTalking = call.members.some((m) => m.role === 'operator' && m.state.intercom);
  const outgoing = call.peers.reduce((n, p) => n + (p.quality?.outgoingTracks ?? 0), 0);
  const lost = remote.filter((p) => p.health === 'failed' || (p.rebuilds > 0 && p.health === 'connecting'));
  return (
    <>
      {lost.length > 0 ? (
        <div className="call-lost-banner" role="alert" data-testid="call-lost-banner">
          <strong>✕ Call lost</strong> {lost.map((p) => `with ${p.name}${p.problem ? ` (${p.problem})` : ''}`).join('; ')}. Rebuilding it automatically; use the
          phone if it does not come back.
        </div>
      ) : null}
      <section
        className={`panel media-panel video-region remotes-${Math.max(1, remote.length)}`}
        aria-label={remoteTitle}
        data-testid="video-panes"
        data-outgoing-tracks={outgoing}
        data-role={role}
      >
        <div className="panel-head">
          <h2 className="panel-title">{remoteTitle}</h2>
          {role === 'onsite' && operatorTalking ? (
            <span className="status-tag tone-info" data-testid="intercom-live">
              ● Intercom live
            </span>
          ) : null}
        </div>
        <div className={`media-remotes count-${Math.max(1, remote.length)}`}>
          {call.refused ? (
            <p className="media-problem tone-warn" role="status" data-testid="call-refused">
              Not in the call: {call.refused.reason} ({call.refused.code}).{' '}
              <button type="button" className="small" data-testid="call-join-again" onClick={call.join}>
                Try again
              </button>
            </p>
          ) : remote.length === 0 ? (
            <p className="reserved-note">Waiting for the other side to join the call…</p>
          ) : null}
          {remote.map((peer) => (
            <RemotePane
              key={peer.sessionId}
              peer={peer}
              sinkId={role === 'onsite' && peer.role === 'operator' && peer.state.intercom && intercomSinkId !== null ? intercomSinkId : speakerId}
            />
          ))}
        </div>
        {/* Under the picture, at the top of its column: muting and talking to the patient never need scrolling. */}
        {role === 'observer' ? null : (
          <div className="media-actions" role="group" aria-label="Call">
            <button
              type="button"
              className={call.audio ? 'small' : 'small danger'}
              data-testid="media-mute"
              aria-pressed={!call.audio}
              disabled={!call.local}
              onClick={() => call.setAudio(!call.audio)}
            >
              {call.audio ? 'Mute' : '✕ Muted: unmute'}
            </button>
            <button
              type="button"
              className="small"
              data-testid="media-camera"
              aria-pressed={!call.video}
              disabled={!call.local}
              onClick={() => call.setVideo(!call.video)}
            >
              {call.video ? 'Camera off' : '✕ Camera off: turn on'}
            </button>
            {role === 'operator' ? (
              <button
                type="button"
                className={call.intercom ? 'small primary' : 'small'}
                data-testid="media-intercom"
                aria-pressed={call.intercom}
                disabled={!call.local}
                title="Hold to talk to the patient through the scanner-room intercom"
                onPointerDown={() => call.setIntercom(true)}
                onPointerUp={() => call.setIntercom(false)}
                onPointerLeave={() => call.intercom && call.setIntercom(false)}
                onKeyDown={(e) => (e.key === ' ' || e.key === 'Enter') && !e.repeat && call.setIntercom(true)}
                onKeyUp={(e) => (e.key === ' ' || e.key === 'Enter') && call.setIntercom(false)}
              >
                {call.intercom ? '● Talking to patient' : 'Hold: talk to patient'}
              </button>
            ) : null}
          </div>
        )}
      </section>
      <section className="panel media-panel video-self" aria-label={selfTitle}>
        {role === 'observer' ? (
          <p className="media-observing" data-testid="media-receive-only">
            <strong>Observing</strong>: {call.refused ? 'not in the call (above)' : 'you see and hear both sides'}; your camera and microphone are not used.
          </p>
        ) : (
          <div className="media-self-row">
            <div className="media-pane self">
              <StreamVideo stream={call.local?.stream ?? null} testId="self-video" mirrored />
              {!call.video ? <span className="media-off">Camera off</span> : null}
            </div>
            <div className="media-controls">
              <DeviceSelect label="Camera" devices={call.devices.cameras} onPick={(id) => call.chooseDevice('video', id)} />
              <DeviceSelect label="Microphone" devices={call.devices.microphones} onPick={(id) => call.chooseDevice('audio', id)} />
              <DeviceSelect label="Speaker" devices={call.devices.speakers} onPick={setSpeakerId} />
            </div>
          </div>
        )}
        {call.localError ? (
          <p className="tone-bad media-problem" role="alert">
            Camera/microphone unavailable: {call.localError}
          </p>
        ) : null}
        <ul className="media-hearing" data-testid="who-hears-whom" aria-label="Who hears whom">
          {hearing.map((line) => (
            <li key={line.key} className={line.live ? 'tone-ok' : 'muted'}>
              <span aria-hidden="true">{line.live ? '●' : '○'}</span> {line.text}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function DeviceSelect({ label, devices, onPick }: { label: string; devices: MediaDeviceInfo[]; onPick: (id: string) => void }) {
  if (devices.length < 2) return null;
  return (
    <label className="media-device">
      <span>{label}</span>
      <select onChange={(e) => onPick(e.target.value)} defaultValue={devices[0]?.deviceId}>
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
