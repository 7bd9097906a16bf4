import { useApp } from '../store/store.js';
import { activeSequence, queueRemainingS } from '../logic/controls.js';
import { formatPercent } from '../logic/format.js';
import { formatMinSec, formatRemaining } from '../../../base/common/acquisition-time.js';

/** The running acquisition: which, how far, how long still; and the whole queue's remainder. */
export function ProgressPanel() {
  const snapshot = useApp((s) => s.snapshot);
  const active = activeSequence(snapshot);
  const fraction = active ? Math.min(1, Math.max(0, active.progress)) : 0;
  const paused = active?.status === 'paused';
  return (
    <div className="panel progress-panel" aria-labelledby="progress-title">
      <div className="panel-head">
        <h2 className="panel-title" id="progress-title">
          Acquisition
        </h2>
        {active ? (
          <span className="progress-name">
            {paused ? <span className="tone-warn">❚❚ Paused · </span> : <span className="tone-info">▶ Running · </span>}
            <strong>{active.name}</strong>
          </span>
        ) : (
          <span className="muted">No acquisition running</span>
        )}
      </div>
      <div
        className={`progress-track${paused ? ' paused' : ''}`}
        role="progressbar"
        aria-label="Acquisition progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={active ? `${formatPercent(fraction)}, ${formatRemaining(active.remainingS)} remaining` : 'No acquisition running'}
      >
        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      {active ? (
        <p className="progress-facts muted">
          {active.seriesNumber !== null ? `Series ${active.seriesNumber} · ` : ''}
          {active.kind} · {active.params.slices} slices × {active.params.sliceThicknessMm} mm · matrix {active.params.matrixRows}×{active.params.matrixCols}
        </p>
      ) : null}
      <div className="progress-numbers">
        {/* Between acquisitions, only what the queue still holds: no placeholders for a scan that is not running. */}
        {active ? (
          <>
            <span className="mono">{formatPercent(fraction)}</span>
            <span>
              Remaining{' '}
              <strong className="mono" data-testid="progress-remaining">
                {formatRemaining(active.remainingS)}
              </strong>
              <span className="muted"> of {formatMinSec(active.acquisitionTimeS)}</span>
            </span>
          </>
        ) : null}
        <span className="muted">
          Queue remaining <span className="mono">{formatRemaining(queueRemainingS(snapshot))}</span>
        </span>
      </div>
    </div>
  );
}
