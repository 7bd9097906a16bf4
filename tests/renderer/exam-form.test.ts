import { describe, expect, it } from 'vitest';
import { checkExamForm, type ExamFormInput } from '../../renderer/src/logic/exam-form.js';

const form = (change: Partial<ExamFormInput> = {}): ExamFormInput => ({
  name: 'DOE^JANE',
  id: 'PID-1',
  birth: '',
  sex: '',
  weight: '',
  description: '',
  accession: '',
  ...change,
});

describe('the exam form check', () => {
  it('gives exam.open what it needs: trimmed text, DICOM dates, nulls for what was left empty', () => {
    expect(checkExamForm(form({ name: ' DOE^JANE ', birth: '1980-04-03', sex: 'F', weight: '72.5', description: ' MRI brain ', accession: ' A1 ' }))).toEqual({
      ok: true,
      patient: { name: 'DOE^JANE', id: 'PID-1', birthDate: '19800403', sex: 'F', weightKg: 72.5 },
      description: 'MRI brain',
      accessionNumber: 'A1',
    });
    expect(checkExamForm(form())).toMatchObject({ ok: true, patient: { birthDate: null, sex: null, weightKg: null }, accessionNumber: null });
  });

  it('names each problem in the technologist’s words, never in a schema’s', () => {
    const checked = checkExamForm(form({ name: ' ', id: '', birth: '1980-02-31', weight: '900', description: 'x'.repeat(65), accession: 'y'.repeat(17) }));
    expect(checked).toEqual({
      ok: false,
      problems: [
        'Patient name: required, family name first, e.g. DOE^JANE',
        'Patient ID: required (the hospital’s medical record number)',
        'Birth date: write it as YYYY-MM-DD, e.g. 1980-04-03',
        'Weight: a number of kilograms from 0.5 to 400, e.g. 72.5',
        'Description: at most 64 characters',
        'Accession: at most 16 characters',
      ],
    });
    expect(checkExamForm(form({ weight: 'heavy' }))).toEqual({ ok: false, problems: ['Weight: a number of kilograms from 0.5 to 400, e.g. 72.5'] });
  });

  it('still refuses what only the protocol knows, naming the field and the limit', () => {
    expect(checkExamForm(form({ id: 'P'.repeat(65) }))).toEqual({ ok: false, problems: ['Patient ID: at most 64 characters'] });
  });
});
