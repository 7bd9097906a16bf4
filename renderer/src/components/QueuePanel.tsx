import { useId, useState } from 'react';
import { acquisitionUnderway, type QueuedSequence } from '../../../protocol/scanner.js';
import { useApp } from '../store/store.js';
import { isObserver, moveTarget, queueAddAvailability, queueItemAvailability, queueRemainingS } from '../logic/controls.js';
import { formatMinSec, formatRemaining } from '../../../base/common/acquisition-time.js';
import { presentSequenceStatus } from '../../../base/browser/status-words.js';
import { CommandOutcomeView } from './CommandOutcomeView.js';
import { useControlContext } from './use-control-context.js';
import { useSendOrPropose } from '../collab/use-propose.js';
import { CollabOutcomeLine } from '../collab/CollabOutcomeLine.js';

export function QueuePanel() {
  const ctx = useControlContext();
  const queue = ctx.snapshot?.queue ?? [];
  const observer = isObserver(ctx.link);
  const remaining = queueRemainingS(ctx.snapshot);
  // Sequences belong to an exam: before one is open the panel is its title line, so that on a
  // laptop window the open-exam form above and this line both show without scrolling.
  const waitsForExam = !ctx.snapshot?.exam && queue.length === 0;
  return (
    <div className="panel queue-panel" aria-labelledby="queue-title">
      <div className="panel-head">
        <h2 className="panel-title" id="queue-title">
          Protocol queue
        </h2>
        {waitsForExam ? (
          <span className="muted">No exam open</span>
        ) : (
          <span className="muted" title="Acquisition time still ahead">
            {queue.length} {queue.length === 1 ? 'sequence' : 'sequences'} · {formatRemaining(remaining)} left
          </span>
        )}
      </div>
      {waitsForExam ? null : queue.length === 0 ? (
        <p className="empty-note">Nothing queued. Add a protocol from the library below.</p>
      ) : (
        <ol className="queue-list" data-testid="queue">
          {queue.map((sequence, index) => (
            <QueueRow key={sequence.id} sequence={sequence} index={index} observer={observer} />
          ))}
        </ol>
      )}
      {observer || waitsForExam ? null : <AddFromLibrary />}
    </div>
  );
}

function QueueRow({ sequence, index, observer }: { sequence: QueuedSequence; index: number; observer: boolean }) {
  // Without control, an operator proposes the change to the holder instead.
  const { ctx, propose, send } = useSendOrPropose();
  const selected = useApp((s) => s.selectedSequenceId === sequence.id);
  const select = useApp((s) => s.selectSequence);
  const status = presentSequenceStatus(sequence.status);
  const queue = ctx.snapshot?.queue ?? [];
  const item = queueItemAvailability(ctx, sequence);
  const up = moveTarget(queue, sequence.id, -1);
  const down = moveTarget(queue, sequence.id, 1);
  const running = acquisitionUnderway(sequence.status);
  const origin = `queue:${sequence.id}`;
  const whyNotMove = (target: number | null, direction: string) =>
    item.reason ?? (target === null ? `Cannot move ${direction}: neighbour is not queued` : `${propose ? 'Propose to move' : 'Move'} ${direction}`);

  return (
    <li
      className={`queue-item status-${sequence.status}${selected ? ' selected' : ''}${running ? ' running' : ''}`}
      data-testid="queue-item"
      data-status={sequence.status}
      data-sequence-id={sequence.id}
    >
      <button type="button" className="queue-select" aria-pressed={selected} onClick={() => select(selected ? null : sequence.id)} title="Show parameters">
        <span className="queue-index">{index + 1}</span>
        <span className="queue-name" title={`${sequence.name} (${sequence.kind})`}>
          {sequence.name}
        </span>
        <span className="queue-time mono" title={running ? 'Time remaining' : 'Acquisition time'}>
          {running ? formatRemaining(sequence.remainingS) : formatMinSec(sequence.acquisitionTimeS)}
        </span>
        <span className={`queue-status tone-${status.tone}`}>
          <span className="status-icon" aria-hidden="true">
            {status.icon}
          </span>
          {status.word}
        </span>
      </button>
      {observer ? null : sequence.status !== 'queued' ? (
        // Only waiting sequences can be moved or removed; the empty cell keeps the columns aligned.
        <span className="queue-actions" aria-hidden="true" />
      ) : (
        <span className="queue-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${sequence.name} up`}
            title={whyNotMove(up, 'up')}
            disabled={!item.enabled || up === null}
            onClick={() => up !== null && send(origin, { name: 'sequence.reorder', sequenceId: sequence.id, toIndex: up })}
          >
            ▲
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${sequence.name} down`}
            title={whyNotMove(down, 'down')}
            disabled={!item.enabled || down === null}
            onClick={() => down !== null && send(origin, { name: 'sequence.reorder', sequenceId: sequence.id, toIndex: down })}
          >
            ▼
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`${propose ? 'Propose to remove' : 'Remove'} ${sequence.name}`}
            title={item.reason ?? (propose ? 'Propose removing it to the control holder' : 'Remove from queue')}
            disabled={!item.enabled}
            onClick={() => send(origin, { name: 'sequence.remove', sequenceId: sequence.id })}
          >
            ✕
          </button>
        </span>
      )}
      {sequence.status === 'aborted' && sequence.endReason ? <span className="queue-reason">Ended: {sequence.endReason}</span> : null}
      <CommandOutcomeView origin={origin} />
      <CollabOutcomeLine origin={origin} doneText="Proposed to the control holder" />
    </li>
  );
}

function AddFromLibrary() {
  const { ctx, propose, send } = useSendOrPropose();
  const library = ctx.snapshot?.library ?? [];
  const [protocolId, setProtocolId] = useState('');
  const selectId = useId();
  const availability = queueAddAvailability(ctx);
  const chosen = library.some((t) => t.id === protocolId) ? protocolId : (library[0]?.id ?? '');

  return (
    <div className="queue-add">
      <label htmlFor={selectId} className="sr-only">
        Protocol library
      </label>
      <select id={selectId} data-testid="library-select" value={chosen} onChange={(e) => setProtocolId(e.target.value)} disabled={library.length === 0}>
        {library.map((template) => (
          <option key={template.id} value={template.id}>
            {template.name} ({template.kind}, {formatMinSec(template.acquisitionTimeS)})
          </option>
        ))}
      </select>
      <button
        type="button"
        data-testid="queue-add"
        disabled={!availability.enabled || chosen === ''}
        title={
          availability.reason ?? (propose ? 'Propose adding it to the end of the queue; the control holder accepts or declines' : 'Add to the end of the queue')
        }
        onClick={() => send('queue-add', { name: 'sequence.queue', protocolId: chosen })}
      >
        {propose ? 'Propose' : 'Add'}
      </button>
      <CommandOutcomeView origin="queue-add" />
      <CollabOutcomeLine origin="queue-add" doneText="Proposed to the control holder" />
    </div>
  );
}
