import { useState, type ReactElement } from 'react';
import type { Participant } from '../../protocol/index.js';

/** Up to this many observers are listed by name; more (a training class) are one row. */
const OBSERVERS_LISTED = 3;

/**
 * The observers in a people list (`<li>` rows, for a `.people-list`). A few are listed by name;
 * a class of twenty trainees would push the operator, the scanner room and the call's status out
 * of view on a laptop window, so more than OBSERVERS_LISTED are one row with their number that
 * opens to every name. Used by the workstation's People panel and the onsite console's remote
 * control panel, each giving its own row for a person.
 */
export function ObserverRows({ observers, row }: { observers: readonly Participant[]; row: (person: Participant) => ReactElement }) {
  const [open, setOpen] = useState(false);
  if (observers.length <= OBSERVERS_LISTED) return <>{observers.map(row)}</>;
  return (
    <>
      <li data-testid="observer-class" title={observers.map((p) => p.name).join(', ')}>
        <span className="role-badge role-observer">Observers</span>
        <span className="person-name" data-testid="observer-count">
          {observers.length} watching
        </span>
        <button type="button" className="small" data-testid="observer-names" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide names' : 'Show names'}
        </button>
      </li>
      {open ? observers.map(row) : null}
    </>
  );
}
