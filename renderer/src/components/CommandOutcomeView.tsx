import { useApp } from '../store/store.js';
import { describeCommand, outcomeStillShown, presentOutcome } from '../logic/outcome.js';

/**
 * The outcome of the last command given from `origin`, shown next to the control that gave it.
 * Announced politely to screen readers; refused outcomes keep their code and reason. A command
 * done goes once the scanner has moved past what it did (`outcomeStillShown`).
 */
export function CommandOutcomeView({ origin, compact = false }: { origin: string; compact?: boolean }) {
  const outcome = useApp((s) => s.outcomes[origin]);
  const scannerState = useApp((s) => s.snapshot?.state ?? null);
  if (!outcome || !outcomeStillShown(outcome, scannerState)) return <span className="command-outcome empty" aria-live="polite" />;
  const p = presentOutcome(outcome);
  const refused = outcome.state === 'rejected';
  return (
    <span
      className={`command-outcome tone-${p.tone}`}
      data-testid="command-outcome"
      data-origin={origin}
      data-state={outcome.state}
      aria-live="polite"
      title={refused ? `${outcome.code ?? ''} ${outcome.reason ?? ''}`.trim() : undefined}
    >
      <span className="status-icon" aria-hidden="true">
        {p.icon}
      </span>
      {compact ? null : <span className="outcome-command">{describeCommand(outcome.command)}:</span>}
      <span className="status-word">{p.word}</span>
      {refused ? (
        <>
          {outcome.code ? <span className="code">{outcome.code}</span> : null}
          {outcome.reason ? <span className="outcome-reason">{outcome.reason}</span> : null}
        </>
      ) : null}
    </span>
  );
}
