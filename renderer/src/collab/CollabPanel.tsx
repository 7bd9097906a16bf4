import { useId, useState } from 'react';
import type { Handover, Proposal } from '../../../protocol/collaboration.js';
import { appStore, useApp } from '../store/store.js';
import { ROLE_WORDS, proposedChange } from './collab-words.js';
import { CollabOutcomeLine } from './CollabOutcomeLine.js';
import './collab.css';

const NO_PROPOSALS: Proposal[] = [];

/**
 * Proposals and handover (docs/architecture.md "Collaboration"): the control holder accepts or
 * declines what others propose with one click and can hand control to another signed-in remote
 * technologist, which takes effect only when onsite staff confirm (onsite grants control).
 * Shown only when there is something to decide or to tell.
 */
export function CollabPanel() {
  const proposals = useApp((s) => s.collab?.proposals ?? NO_PROPOSALS);
  const handover = useApp((s) => s.collab?.handover ?? null);
  const me = useApp((s) => s.link.sessionId);
  const role = useApp((s) => s.link.role);
  const holder = useApp((s) => s.snapshot?.control.holderSessionId ?? null);
  const otherOperators = useApp((s) => s.snapshot?.participants.filter((p) => p.role === 'operator' && p.sessionId !== me).length ?? 0);
  const holding = me !== null && holder === me;
  const canHandOver = holding && otherOperators > 0;
  if (proposals.length === 0 && !showHandover(handover) && !canHandOver) return null;
  return (
    <div className="panel collab-panel" aria-labelledby="collab-title" data-testid="collab-panel">
      <div className="panel-head">
        <h2 className="panel-title" id="collab-title">
          Proposals and handover
        </h2>
      </div>
      {proposals.map((p) => (
        <ProposalRow key={p.id} proposal={p} holding={holding} mine={p.by.sessionId === me} observer={role === 'observer'} />
      ))}
      {proposals.length === 0 && holding ? <p className="muted">No proposals waiting.</p> : null}
      {showHandover(handover) ? <HandoverLine handover={handover!} me={me} /> : null}
      {canHandOver && handover?.status !== 'awaiting-onsite' ? <HandOver /> : null}
      <CollabOutcomeLine origin="handover" quietWhenDone />
    </div>
  );
}

/** A finished handover stays in view until the next one; a cancelled one says why. */
function showHandover(h: Handover | null): boolean {
  return h !== null;
}

function ProposalRow({ proposal, holding, mine, observer }: { proposal: Proposal; holding: boolean; mine: boolean; observer: boolean }) {
  const snapshot = useApp((s) => s.snapshot);
  const what = proposedChange(proposal.command, snapshot);
  const origin = `proposal:${proposal.id}`;
  const send = appStore.getState().sendCollab;
  return (
    <div className="proposal" data-testid="proposal" data-proposal-id={proposal.id}>
      <span className="proposal-text">
        <span className="tone-info" aria-hidden="true">
          ?{' '}
        </span>
        {mine ? 'You propose' : `${proposal.by.name} (${ROLE_WORDS[proposal.by.role]}) proposes`} to <strong>{what}</strong>
      </span>
      {holding ? (
        <>
          <button
            type="button"
            className="small primary"
            data-testid="proposal-accept"
            onClick={() => void send(origin, { name: 'proposal.answer', proposalId: proposal.id, accept: true })}
          >
            Accept
          </button>
          <button
            type="button"
            className="small"
            data-testid="proposal-decline"
            onClick={() => void send(origin, { name: 'proposal.answer', proposalId: proposal.id, accept: false })}
          >
            Decline
          </button>
        </>
      ) : mine ? (
        <>
          <span className="muted">waiting for the control holder</span>
          <button
            type="button"
            className="small ghost"
            data-testid="proposal-withdraw"
            onClick={() => void send(origin, { name: 'proposal.withdraw', proposalId: proposal.id })}
          >
            Withdraw
          </button>
        </>
      ) : observer ? null : (
        <span className="muted">waiting for the control holder</span>
      )}
      <CollabOutcomeLine origin={origin} quietWhenDone />
    </div>
  );
}

function HandoverLine({ handover, me }: { handover: Handover; me: string | null }) {
  const involved = me === handover.from.sessionId || me === handover.to.sessionId;
  if (handover.status === 'awaiting-onsite') {
    return (
      <p className="handover-line tone-info" data-testid="handover-status" data-status={handover.status} role="status">
        <span aria-hidden="true">◐ </span>
        Handing control from {handover.from.name} to {handover.to.name}: <strong>waiting for onsite staff to confirm</strong>{' '}
        {involved ? (
          <button
            type="button"
            className="small ghost"
            data-testid="handover-cancel"
            onClick={() => void appStore.getState().sendCollab('handover', { name: 'handover.cancel', handoverId: handover.id })}
          >
            Cancel
          </button>
        ) : null}
      </p>
    );
  }
  if (handover.status === 'done') {
    return (
      <p className="handover-line tone-ok" data-testid="handover-status" data-status={handover.status} role="status">
        <span aria-hidden="true">● </span>
        Handover done: {handover.to.sessionId === me ? 'you have' : `${handover.to.name} has`} control{handover.note ? ` (${handover.note})` : ''}
      </p>
    );
  }
  return (
    <p className="handover-line tone-warn" data-testid="handover-status" data-status={handover.status} role="status">
      <span aria-hidden="true">▲ </span>
      Handover to {handover.to.name} cancelled{handover.note ? `: ${handover.note}` : ''}
    </p>
  );
}

function HandOver() {
  const me = useApp((s) => s.link.sessionId);
  const operators = useApp((s) => s.snapshot?.participants ?? []).filter((p) => p.role === 'operator' && p.sessionId !== me);
  const [target, setTarget] = useState('');
  const id = useId();
  const chosen = operators.some((o) => o.sessionId === target) ? target : (operators[0]?.sessionId ?? '');
  return (
    <form
      className="handover-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen) void appStore.getState().sendCollab('handover', { name: 'handover.offer', toSessionId: chosen });
      }}
    >
      <label htmlFor={id}>Hand control to</label>
      <select id={id} data-testid="handover-target" value={chosen} onChange={(e) => setTarget(e.target.value)}>
        {operators.map((o) => (
          <option key={o.sessionId} value={o.sessionId}>
            {o.name}
          </option>
        ))}
      </select>
      <button type="submit" data-testid="handover-offer" disabled={!chosen} title="Onsite staff confirm before control moves">
        Hand over
      </button>
    </form>
  );
}
