import { useId, useState, type FormEvent } from 'react';
import { useApp } from '../store/store.js';
import { closeExamAvailability, isObserver, openExamAvailability } from '../logic/controls.js';
import { dicomDateToIso } from '../logic/format.js';
import { formatPersonName } from '../../../base/common/person-name.js';
import { checkExamForm } from '../logic/exam-form.js';
import { CommandOutcomeView } from './CommandOutcomeView.js';
import { useControlContext } from './use-control-context.js';

const SEX_WORDS = { M: 'male', F: 'female', O: 'other' } as const;

export function ExamPanel() {
  const ctx = useControlContext();
  const exam = ctx.snapshot?.exam ?? null;
  const send = useApp((s) => s.sendCommand);
  const observer = isObserver(ctx.link);

  if (exam) {
    const close = closeExamAvailability(ctx);
    const p = exam.patient;
    return (
      <div className="panel exam-panel" aria-labelledby="exam-title">
        <div className="panel-head">
          <h2 className="panel-title" id="exam-title">
            Exam
          </h2>
          {observer ? null : (
            <span className="panel-actions">
              <CommandOutcomeView origin="exam" compact />
              <button
                type="button"
                className="small"
                data-testid="exam-close"
                disabled={!close.enabled}
                title={close.reason ?? 'Close this exam'}
                onClick={() => void send('exam', { name: 'exam.close' })}
              >
                Close exam
              </button>
            </span>
          )}
        </div>
        <p className="exam-line">
          {[
            <strong data-testid="exam-patient">{formatPersonName(p.name)}</strong>,
            <span className="mono">{p.id}</span>,
            p.sex ? SEX_WORDS[p.sex] : 'sex not given',
            `born ${dicomDateToIso(p.birthDate) || 'not given'}`,
            ...(p.weightKg !== null ? [`${p.weightKg} kg`] : []),
          ].map((fact, i, facts) => (
            // Each fact with the separator after it: a line never starts with one.
            <span className="exam-fact" key={i}>
              {fact}
              {i < facts.length - 1 ? <span className="sep">·</span> : null}
            </span>
          ))}
        </p>
        <p className="exam-line muted">
          {exam.description || 'No description'}
          {exam.accessionNumber ? (
            <>
              <span className="sep">·</span>
              Acc <span className="mono">{exam.accessionNumber}</span>
            </>
          ) : null}
        </p>
      </div>
    );
  }

  return (
    <div className="panel exam-panel" aria-labelledby="exam-title">
      <div className="panel-head">
        <h2 className="panel-title" id="exam-title">
          Exam
        </h2>
        <span className="muted">No exam open</span>
      </div>
      {observer ? null : <OpenExamForm />}
    </div>
  );
}

function OpenExamForm() {
  const ctx = useControlContext();
  const send = useApp((s) => s.sendCommand);
  const availability = openExamAvailability(ctx);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [birth, setBirth] = useState('');
  const [sex, setSex] = useState<'' | 'M' | 'F' | 'O'>('');
  const [weight, setWeight] = useState('');
  const [description, setDescription] = useState('');
  const [accession, setAccession] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const f = { name: useId(), id: useId(), birth: useId(), sex: useId(), weight: useId(), description: useId(), accession: useId() };

  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkExamForm({ name, id, birth, sex, weight, description, accession });
    setErrors(checked.ok ? [] : checked.problems);
    if (!checked.ok) return;
    void send('exam', { name: 'exam.open', patient: checked.patient, description: checked.description, accessionNumber: checked.accessionNumber });
  }

  return (
    <form className="exam-form" onSubmit={submit} noValidate>
      <div className="grid-2">
        <label htmlFor={f.name}>Patient name</label>
        <input id={f.name} data-testid="exam-patient-name" placeholder="DOE^JANE" maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={f.id}>Patient ID</label>
        <input id={f.id} data-testid="exam-patient-id" maxLength={64} value={id} onChange={(e) => setId(e.target.value)} />
        <label htmlFor={f.birth}>Birth date</label>
        {/* Birth date and sex share a row: the form stays whole above the queue on a 720 px high window. */}
        <div className="field-pair">
          {/* ISO 8601 whatever the browser's locale: a date picker would show 03/04/1980, read two ways. */}
          <input
            id={f.birth}
            data-testid="exam-birth-date"
            placeholder="YYYY-MM-DD"
            inputMode="numeric"
            maxLength={10}
            title="Birth date as year-month-day, e.g. 1980-04-03"
            value={birth}
            onChange={(e) => setBirth(e.target.value)}
          />
          <label htmlFor={f.sex}>Sex</label>
          <select id={f.sex} data-testid="exam-sex" value={sex} onChange={(e) => setSex(e.target.value as typeof sex)}>
            <option value="">not given</option>
            <option value="F">female</option>
            <option value="M">male</option>
            <option value="O">other</option>
          </select>
        </div>
        <label htmlFor={f.weight}>Weight (kg)</label>
        <input id={f.weight} data-testid="exam-weight" inputMode="decimal" value={weight} onChange={(e) => setWeight(e.target.value)} />
        <label htmlFor={f.description}>Description</label>
        <input
          id={f.description}
          data-testid="exam-description"
          placeholder="MRI brain"
          maxLength={64}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <label htmlFor={f.accession}>Accession</label>
        <input id={f.accession} data-testid="exam-accession" maxLength={16} value={accession} onChange={(e) => setAccession(e.target.value)} />
      </div>
      {errors.length > 0 ? (
        <ul className="form-errors" role="alert">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          data-testid="exam-submit"
          disabled={!availability.enabled}
          title={availability.reason ?? 'Register the patient and open the exam'}
        >
          Open exam
        </button>
        <CommandOutcomeView origin="exam" />
      </div>
    </form>
  );
}
