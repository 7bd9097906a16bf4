import type { ScannerCommand } from '../../../protocol/commands.js';
import { useApp } from '../store/store.js';
import { isObserver, nextQueued, pauseAvailability, resumeAvailability, startAvailability, stopAvailability, type Availability } from '../logic/controls.js';
import { CommandOutcomeView } from './CommandOutcomeView.js';
import { useControlContext } from './use-control-context.js';
import { deskStartLimit } from '../desk/desk-start-limit.js';

const ORIGIN = 'scan';

/** Start / Pause / Resume / Stop, or for an observer the badge that replaces them. */
export function ScanControls() {
  const ctx = useControlContext();
  const send = useApp((s) => s.sendCommand);
  // On a desk, the policy's one-acquisition-at-a-time also holds Start and Resume back.
  const deskLimitReason = useApp((s) => deskStartLimit(s.desk)?.reason ?? null);
  if (isObserver(ctx.link)) {
    return (
      <div className="panel scan-controls observing" data-testid="observing-badge" role="status">
        <span className="status-icon" aria-hidden="true">
          ◉
        </span>
        <strong>Observing</strong>
        <span className="muted">You see everything; scanner commands are not available to observers.</span>
      </div>
    );
  }
  const next = nextQueued(ctx.snapshot);
  const deskLimit: Availability | null = deskLimitReason ? { enabled: false, reason: deskLimitReason } : null;
  const startHere = startAvailability(ctx);
  const start = startHere.enabled && deskLimit ? deskLimit : startHere;
  const resumeHere = resumeAvailability(ctx);
  const resume = resumeHere.enabled && deskLimit ? deskLimit : resumeHere;
  const button = (testId: string, label: string, availability: Availability, command: ScannerCommand, help: string, className = '') => (
    <button
      type="button"
      className={className}
      data-testid={testId}
      disabled={!availability.enabled}
      title={availability.reason ?? help}
      onClick={() => void send(ORIGIN, command)}
    >
      {label}
    </button>
  );
  return (
    <div className="panel scan-controls" aria-label="Acquisition controls">
      <div className="button-row">
        {button('btn-start', '▶ Start', start, { name: 'scan.start' }, next ? `Start ${next.name}` : 'Start', 'primary')}
        {button('btn-pause', '❚❚ Pause', pauseAvailability(ctx), { name: 'scan.pause' }, 'Pause the running acquisition')}
        {button('btn-resume', '▶ Resume', resume, { name: 'scan.resume' }, 'Resume the paused acquisition')}
        {button('btn-stop', '■ Stop', stopAvailability(ctx), { name: 'scan.stop' }, 'Stop the acquisition (the series ends here)', 'danger')}
      </div>
      <div className="scan-status-line">
        {start.enabled && next ? (
          <span className="muted">Next: {next.name}</span>
        ) : start.reason ? (
          <span className="muted" data-testid="start-blocked-reason">
            Start unavailable: {start.reason}
          </span>
        ) : null}
        <CommandOutcomeView origin={ORIGIN} />
      </div>
    </div>
  );
}
