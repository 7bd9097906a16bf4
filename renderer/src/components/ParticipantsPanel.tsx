import { useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';
import { reservedForLostOperator } from '../../../base/common/control-words.js';
import { OnsiteStatus } from './OnsiteStatus.js';
import { ObserverInvite } from './ObserverInvite.js';
import { ObserverRows } from '../../../base/browser/ObserverRows.js';
import type { Participant } from '../../../protocol/index.js';

const ROLE_WORDS = { operator: 'Operator', observer: 'Observer', onsite: 'Onsite' } as const;
/** Who works the scan first, then who is with the patient, then who watches. */
const ROLE_ORDER = { operator: 0, onsite: 1, observer: 2 } as const;

/** Who is in the session and who holds control, from the gateway's snapshot. */
export function ParticipantsPanel() {
  const participants = useApp((s) => s.snapshot?.participants ?? null);
  const control = useApp((s) => s.snapshot?.control ?? null);
  const loss = useApp((s) => s.snapshot?.onsite?.operatorLoss ?? null);
  const me = useApp((s) => s.link.sessionId);
  const role = useApp((s) => s.link.role);
  const onsite = participants?.filter((p) => p.role === 'onsite') ?? [];
  const staff = (participants ?? []).filter((p) => p.role !== 'observer').sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  const observers = participants?.filter((p) => p.role === 'observer') ?? [];
  const row = (p: Participant) => (
    <li key={p.sessionId} title={`${ROLE_WORDS[p.role]} ${p.name}, connected since ${formatClock(p.connectedAt)}`}>
      <span className={`role-badge role-${p.role}`}>{ROLE_WORDS[p.role]}</span>
      <span className="person-name">
        {p.name}
        {p.sessionId === me ? <span className="muted"> (you)</span> : null}
      </span>
      {control?.holderSessionId === p.sessionId ? (
        <span className="tone-ok holds-control" title="Holds control">
          ● control
        </span>
      ) : null}
    </li>
  );
  return (
    <div className="panel people-panel" aria-labelledby="people-title">
      <div className="panel-head">
        <h2 className="panel-title" id="people-title">
          People
        </h2>
      </div>
      <p className="control-line" data-testid="control-line">
        Control:{' '}
        {control?.holderSessionId ? (
          <strong className={control.holderSessionId === me ? 'tone-ok' : undefined}>
            {control.holderSessionId === me ? '● You' : (control.holderName ?? control.holderSessionId)}
          </strong>
        ) : loss ? (
          <span className="tone-warn">▲ {reservedForLostOperator(loss)}</span>
        ) : (
          <span className="tone-warn">▲ nobody holds control</span>
        )}
      </p>
      <OnsiteStatus />
      {onsite.length === 0 ? <p className="tone-warn">▲ No onsite technologist connected</p> : null}
      <ul className="people-list">
        {staff.map(row)}
        <ObserverRows observers={observers} row={row} />
      </ul>
      {/* Who watches is the operator's to decide: observers do not pass invitations on. */}
      {role === 'operator' ? <ObserverInvite /> : null}
    </div>
  );
}
