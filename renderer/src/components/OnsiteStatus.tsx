import { CREDENTIAL_WORDS } from '../../../protocol/onsite.js';
import { useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';

/**
 * The scanner room as the gateway reports it: who is checked in and with what credential, whether
 * their console is alive, and the safety checklist of this exam. Words and icons, not colour alone.
 */
export function OnsiteStatus() {
  const onsite = useApp((s) => s.snapshot?.onsite ?? null);
  const exam = useApp((s) => s.snapshot?.exam ?? null);
  if (!onsite) return null;
  const { presence, consoleAlive, checklist } = onsite;
  const confirmed = exam !== null && checklist.studyUid === exam.studyUid && checklist.confirmedBy !== null;
  return (
    <dl className="onsite-status" data-testid="onsite-status" aria-label="Scanner room">
      <dt>Checked in</dt>
      <dd
        data-testid="onsite-presence"
        title={presence ? `${presence.name}, ${CREDENTIAL_WORDS[presence.credential]}, since ${formatClock(presence.checkedInAt)}` : undefined}
      >
        {presence ? (
          <>
            <span className="tone-ok">✓ {presence.name}</span> <span className="muted">{CREDENTIAL_WORDS[presence.credential]}</span>
          </>
        ) : (
          <span className="tone-warn">▲ Nobody</span>
        )}
      </dd>
      <dt>Console</dt>
      <dd data-testid="onsite-console">
        {presence === null ? (
          <span className="muted">—</span>
        ) : consoleAlive ? (
          <span className="tone-ok">● Responding</span>
        ) : (
          <span className="tone-bad">✕ Not responding</span>
        )}
      </dd>
      <dt>Checklist</dt>
      <dd data-testid="onsite-checklist">
        {!exam ? (
          <span className="muted">No exam open</span>
        ) : confirmed ? (
          <span className="tone-ok" title={`Confirmed by ${checklist.confirmedBy} at ${checklist.confirmedAt ? formatClock(checklist.confirmedAt) : '—'}`}>
            ✓ Confirmed by {checklist.confirmedBy}
          </span>
        ) : (
          <span className="tone-warn">▲ Not confirmed</span>
        )}
      </dd>
    </dl>
  );
}
