import { useApp } from '../store/store.js';

/**
 * The outcome of the last collaboration action given from one place: pending, done, or refused
 * with the gateway's code and reason: every command shows its outcome where it was given.
 */
export function CollabOutcomeLine({ origin, quietWhenDone = false, doneText = 'Done' }: { origin: string; quietWhenDone?: boolean; doneText?: string }) {
  const shown = useApp((s) => s.collabOutcomes[origin]);
  if (!shown || (quietWhenDone && shown.state === 'done')) return null;
  if (shown.state === 'pending') {
    return (
      <span className="collab-outcome tone-info" role="status" data-testid="collab-outcome" data-origin={origin} data-state="pending">
        … Sending
      </span>
    );
  }
  if (shown.state === 'done') {
    return (
      <span className="collab-outcome tone-ok" role="status" data-testid="collab-outcome" data-origin={origin} data-state="done">
        ✓ {doneText}
      </span>
    );
  }
  return (
    <span
      className="collab-outcome tone-bad"
      role="status"
      data-testid="collab-outcome"
      data-origin={origin}
      data-state="rejected"
      title={`${shown.code} ${shown.message}`}
    >
      ✕ Refused: {shown.message} <span className="code">{shown.code}</span>
    </span>
  );
}
