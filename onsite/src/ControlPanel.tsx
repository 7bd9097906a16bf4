import { useState, type ReactElement } from 'react';
import type { OnsiteAction, Participant, ScannerSnapshot } from '../../protocol/index.js';
import { ObserverRows } from '../../base/browser/ObserverRows.js';
import { reservedForLostOperator } from '../../base/common/control-words.js';

export type Act = (action: OnsiteAction, label: string) => Promise<void>;

/**
 * Remote technologists listed, each with the button that grants or revokes control; the one
 * holding control always. A sound gateway has one or two; more are one row with their number
 * that opens to all of them, so that a gateway listing thousands cannot fill the page with rows
 * (and hold it while it draws them) above what staff need in an emergency.
 */
const OPERATORS_LISTED = 4;
/** Other onsite consoles listed by name; more are one row with their number, like observers (ObserverRows). */
const ONSITE_LISTED = 3;

/** Who holds remote control, and the buttons that grant and revoke it (safety rule 2, docs/architecture.md "Safety rules"). */
export function ControlPanel({ snapshot, me, checkedIn, act }: { snapshot: ScannerSnapshot | null; me: string | null; checkedIn: boolean; act: Act }) {
  const holder = snapshot?.control ?? null;
  const loss = snapshot?.onsite?.operatorLoss ?? null;
  const operators = snapshot?.participants.filter((p) => p.role === 'operator') ?? [];
  const others = snapshot?.participants.filter((p) => p.role === 'onsite' && p.sessionId !== me) ?? [];
  const observers = snapshot?.participants.filter((p) => p.role === 'observer') ?? [];
  const row = (p: Participant) => (
    <li key={p.sessionId}>
      <span className={`role-badge role-${p.role}`}>{p.role === 'observer' ? 'Observer' : 'Onsite'}</span>
      <span className="person-name" title={p.name}>
        {p.name}
      </span>
    </li>
  );
  const operatorRow = (op: Participant) => (
    <li key={op.sessionId}>
      <span className="role-badge role-operator">Operator</span>
      <span className="person-name" title={op.name}>
        {op.name}
      </span>
      {holder?.holderSessionId === op.sessionId ? (
        <button type="button" className="small danger" data-testid="control-revoke" onClick={() => void act({ name: 'control.revoke' }, 'Revoke control')}>
          Revoke
        </button>
      ) : (
        <button
          type="button"
          className="small primary"
          data-testid="control-grant"
          data-operator={op.name}
          disabled={!checkedIn}
          title={checkedIn ? undefined : 'check in first'}
          onClick={() => void act({ name: 'control.grant', sessionId: op.sessionId }, `Grant control to ${op.name}`)}
        >
          Grant control
        </button>
      )}
    </li>
  );
  return (
    <div className="panel" aria-labelledby="control-title">
      <h2 className="panel-title" id="control-title">
        Remote control
      </h2>
      <p data-testid="control-holder">
        {holder?.holderSessionId ? (
          <span className="tone-info">● {holder.holderName} has control</span>
        ) : loss ? (
          // Safety rule 5: kept for the operator whose link was lost until the grace period ends.
          <span className="tone-warn">▲ Control {reservedForLostOperator(loss)}</span>
        ) : (
          <span>Control is onsite (nobody remote)</span>
        )}
      </p>
      <ul className="people-list">
        <FewRows
          people={operators}
          listed={OPERATORS_LISTED}
          always={holder?.holderSessionId ?? null}
          row={operatorRow}
          more="remote technologists"
          testId="operators-more"
        />
        <FewRows people={others} listed={ONSITE_LISTED} always={null} row={row} more="onsite consoles" testId="onsite-more" />
        <ObserverRows observers={observers} row={row} />
      </ul>
      {operators.length === 0 ? <p className="muted">No remote technologist connected.</p> : null}
    </div>
  );
}

/**
 * The first `listed` of `people` as rows (`always` among them, in place of the last, when it is
 * further down), and the rest as one row, "and 37 more", that opens to every row.
 */
function FewRows({
  people,
  listed,
  always,
  row,
  more,
  testId,
}: {
  people: readonly Participant[];
  listed: number;
  always: string | null;
  row: (person: Participant) => ReactElement;
  more: string;
  testId: string;
}) {
  const [open, setOpen] = useState(false);
  if (people.length <= listed) return <>{people.map(row)}</>;
  let first = people.slice(0, listed);
  const kept = always === null ? undefined : people.find((p) => p.sessionId === always);
  if (kept && !first.includes(kept)) first = [...first.slice(0, listed - 1), kept];
  return (
    <>
      {(open ? people : first).map(row)}
      <li data-testid={testId}>
        <span className="person-name muted" data-testid={`${testId}-count`}>
          {open ? `${people.length} ${more}` : `and ${people.length - first.length} more ${more}`}
        </span>
        <button type="button" className="small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show fewer' : 'Show all'}
        </button>
      </li>
    </>
  );
}
