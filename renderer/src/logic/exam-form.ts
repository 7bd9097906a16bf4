import { Patient } from '../../../protocol/scanner.js';
import { isoDateToDicom } from './format.js';

/** The exam form as typed: every field a string, as the inputs hold it. */
export interface ExamFormInput {
  name: string;
  id: string;
  /** YYYY-MM-DD, or empty. */
  birth: string;
  sex: '' | 'M' | 'F' | 'O';
  weight: string;
  description: string;
  accession: string;
}

export type ExamFormResult = { ok: true; patient: Patient; description: string; accessionNumber: string | null } | { ok: false; problems: string[] };

/**
 * The form checked before exam.open is sent, each problem in the technologist's words (field,
 * then what to write), never a schema's message. The limits are the protocol's (Patient in
 * protocol/scanner.ts: 64 characters for a name or an ID, as DICOM PN and LO allow, PS3.5 6.2)
 * and DICOM's for the description (LO, 64) and the accession number (SH, 16).
 */
export function checkExamForm(input: ExamFormInput): ExamFormResult {
  const problems: string[] = [];
  const name = input.name.trim();
  const id = input.id.trim();
  const birth = input.birth.trim();
  const weight = input.weight.trim();
  if (name === '') problems.push('Patient name: required, family name first, e.g. DOE^JANE');
  if (id === '') problems.push('Patient ID: required (the hospital’s medical record number)');
  if (birth !== '' && !isValidIsoDate(birth)) problems.push('Birth date: write it as YYYY-MM-DD, e.g. 1980-04-03');
  const weightKg = weight === '' ? null : Number(weight);
  if (weightKg !== null && !(weightKg >= 0.5 && weightKg <= 400)) problems.push('Weight: a number of kilograms from 0.5 to 400, e.g. 72.5');
  if (input.description.length > 64) problems.push('Description: at most 64 characters');
  if (input.accession.length > 16) problems.push('Accession: at most 16 characters');
  const patient = Patient.safeParse({ name, id, birthDate: birth === '' ? null : isoDateToDicom(birth), sex: input.sex === '' ? null : input.sex, weightKg });
  // Anything the schema refuses that the words above do not cover still stops the form, with the field named.
  if (problems.length === 0 && !patient.success)
    problems.push(
      ...patient.error.issues.map(
        (i) => `${FIELD_WORDS[String(i.path[0])] ?? 'Patient'}: ${i.code === 'too_big' ? `at most ${String(i.maximum)} characters` : 'not accepted'}`,
      ),
    );
  if (problems.length > 0 || !patient.success) return { ok: false, problems };
  const accession = input.accession.trim();
  return { ok: true, patient: patient.data, description: input.description.trim(), accessionNumber: accession === '' ? null : accession };
}

const FIELD_WORDS: Record<string, string> = {
  name: 'Patient name',
  id: 'Patient ID',
  birthDate: 'Birth date',
  sex: 'Sex',
  weightKg: 'Weight',
};

/** A real calendar date written YYYY-MM-DD (not 1980-02-31). */
function isValidIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
