import { useEffect, useState, type FormEvent } from 'react';
import type { QueuedSequence } from '../../../protocol/scanner.js';
import { useApp } from '../store/store.js';
import { isObserver, queueItemAvailability } from '../logic/controls.js';
import { formatParamValue } from '../logic/format.js';
import { formatMinSec } from '../../../base/common/acquisition-time.js';
import { PARAM_FIELDS, checkDraft, hasChanges, type ParamDraft } from '../logic/params.js';
import { CommandOutcomeView } from './CommandOutcomeView.js';
import { useSendOrPropose } from '../collab/use-propose.js';
import { CollabOutcomeLine } from '../collab/CollabOutcomeLine.js';

export function ParameterCard() {
  const selectedId = useApp((s) => s.selectedSequenceId);
  const sequence = useApp((s) => s.snapshot?.queue.find((q) => q.id === s.selectedSequenceId) ?? null);
  return (
    <div className="panel param-panel" aria-labelledby="param-title">
      <div className="panel-head">
        <h2 className="panel-title" id="param-title">
          Parameters
        </h2>
        {sequence ? (
          <span className="muted">
            {sequence.name} · {sequence.kind} · TA <span className="mono">{formatMinSec(sequence.acquisitionTimeS)}</span>
          </span>
        ) : null}
      </div>
      {sequence ? (
        // Keyed by sequence so a new selection starts from a clean draft.
        <ParameterForm key={selectedId} sequence={sequence} />
      ) : (
        <p className="empty-note">Select a sequence in the queue to see its parameters.</p>
      )}
    </div>
  );
}

function ParameterForm({ sequence }: { sequence: QueuedSequence }) {
  // Without control, an operator proposes the change to the holder instead.
  const { ctx, propose, send } = useSendOrPropose();
  const limits = ctx.snapshot?.limits ?? {};
  const editable = queueItemAvailability(ctx, sequence);
  const observer = isObserver(ctx.link);
  const [draft, setDraft] = useState<ParamDraft>({});
  const check = checkDraft(sequence, draft, limits);
  const origin = `edit:${sequence.id}`;

  // Once the gateway has applied an edit, the snapshot carries the new values: drop the draft
  // fields that now match, so the card shows the scanner's truth rather than stale typing.
  useEffect(() => {
    setDraft((current) => {
      const next: ParamDraft = {};
      for (const [key, text] of Object.entries(current) as [keyof ParamDraft, string][]) {
        if (Number(text) !== sequence.params[key]) next[key] = text;
      }
      return Object.keys(next).length === Object.keys(current).length ? current : next;
    });
  }, [sequence.params]);

  function apply(event: FormEvent) {
    event.preventDefault();
    if (!hasChanges(check)) return;
    send(origin, { name: 'sequence.edit', sequenceId: sequence.id, changes: check.changes });
  }

  const fields = PARAM_FIELDS.filter((field) => field.appliesTo(sequence.kind, sequence.params));
  const canEdit = editable.enabled && !observer;
  return (
    <form className="param-form" onSubmit={apply} noValidate>
      <div className="param-grid">
        {fields.map((field) => {
          const range = limits[field.key];
          const value = sequence.params[field.key];
          const text = draft[field.key] ?? formatParamValue(value);
          const error = check.errors[field.key];
          const fieldEditable = canEdit && range !== undefined;
          const id = `param-${sequence.id}-${field.key}`;
          const hint = range ? `${formatParamValue(range.min)}–${formatParamValue(range.max)} ${field.unit}`.trim() : 'no published limits';
          return (
            <div key={field.key} className={`param-field${error ? ' invalid' : ''}${draft[field.key] !== undefined ? ' edited' : ''}`}>
              <label htmlFor={id}>
                {field.label}
                {field.unit ? <span className="unit"> {field.unit}</span> : null}
              </label>
              <input
                id={id}
                data-testid={`param-${field.key}`}
                className="mono"
                inputMode="decimal"
                value={text}
                readOnly={!fieldEditable}
                aria-invalid={error ? true : undefined}
                aria-describedby={`${id}-hint`}
                title={fieldEditable ? `Allowed ${hint}` : (editable.reason ?? (observer ? 'Observers cannot edit' : 'No published limits'))}
                onChange={(e) => setDraft({ ...draft, [field.key]: e.target.value })}
              />
              <span id={`${id}-hint`} className={error ? 'field-error' : 'field-hint'}>
                {error ?? hint}
              </span>
            </div>
          );
        })}
        {sequence.params.bValues.length > 0 ? (
          <div className="param-field">
            <span className="label-like">b-values</span>
            <span className="mono readout">{sequence.params.bValues.join(', ')} s/mm²</span>
          </div>
        ) : null}
      </div>
      {observer ? null : (
        <div className="form-actions">
          <button
            type="submit"
            data-testid="param-apply"
            disabled={!canEdit || !hasChanges(check)}
            title={
              editable.reason ??
              (hasChanges(check)
                ? propose
                  ? 'Propose the changed parameters to the control holder'
                  : 'Send the changed parameters'
                : 'No valid changes to send')
            }
          >
            {propose ? 'Propose' : 'Apply'}
          </button>
          <button type="button" className="ghost" disabled={Object.keys(draft).length === 0} onClick={() => setDraft({})}>
            Revert
          </button>
          <CommandOutcomeView origin={origin} />
          <CollabOutcomeLine origin={origin} doneText="Proposed to the control holder" />
        </div>
      )}
    </form>
  );
}
