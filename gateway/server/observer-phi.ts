import { ErrorCode, type ChatEntry, type Exam, type GatewayEventBody, type NoticeAlarm, type ScannerSnapshot } from '../../protocol/index.js';
import { formatPersonName } from '../../base/common/person-name.js';

/**
 * Site policy for what observers (students, trainees, remote reviewers) see of the patient:
 * `full`, or `none` (the default): name, ID, birth date and accession number are removed from
 * everything sent to an observer session (PS3.15 Annex E basic profile for those elements).
 */
export type ObserverPhi = 'full' | 'none';

/** What replaces the patient's name and ID: the schema needs a value, the viewer shows the word. */
const DEIDENTIFIED = 'De-identified';

/** The audit's note when an observer joins: what the policy removes from what it will see. */
export function observerPhiAudit(policy: ObserverPhi): { decision: string; detail: unknown } {
  return policy === 'none'
    ? {
        decision: 'de-identified',
        detail: { policy, removed: ['Patient Name', 'Patient ID', 'Patient Birth Date', 'Accession Number'], profile: 'PS3.15 Annex E basic' },
      }
    : { decision: 'full', detail: { policy } };
}

function deidentifyExam(exam: Exam): Exam {
  return {
    ...exam,
    patient: { ...exam.patient, name: DEIDENTIFIED, id: DEIDENTIFIED, birthDate: null },
    accessionNumber: null,
    deidentified: true,
  };
}

export function deidentifySnapshot(snapshot: ScannerSnapshot): ScannerSnapshot {
  return { ...snapshot, exam: snapshot.exam ? deidentifyExam(snapshot.exam) : null, deidentified: true };
}

/**
 * An event body as an observer may see it. Notices are free text written for the staff
 * ("... confirmed screening and positioning for DOE, JANE"), so the patient's identifiers are
 * replaced wherever they occur in them: `withheld`, those of the open exam (`patientIdentifiers`)
 * and of any exam an alarm raised again was raised in.
 */
export function deidentifyEventBody(body: GatewayEventBody, withheld: readonly string[]): GatewayEventBody {
  if (body.kind === 'scanner') return { ...body, snapshot: deidentifySnapshot(body.snapshot) };
  // A patient-mismatch notice names the other patient, whose identifiers the exam cannot redact.
  if (body.kind === 'notice' && body.text.includes(ErrorCode.DICOM_PATIENT_MISMATCH)) {
    return {
      ...body,
      text: `A DICOM image of another patient than the open exam arrived (${ErrorCode.DICOM_PATIENT_MISMATCH}); its identifiers are withheld from observers`,
    };
  }
  // Unchanged words keep the same body: the event buffer then sends observers the frame it already made.
  if (body.kind === 'notice' && withheld.length > 0) {
    const text = redactIdentifiers(body.text, withheld);
    const alarm = body.alarm && deidentifyAlarm(body.alarm, withheld);
    return text === body.text && alarm === body.alarm ? body : { ...body, text, ...(alarm ? { alarm } : {}) };
  }
  // Chat is free text: staff may type the patient's name.
  if (body.kind === 'chat' && withheld.length > 0) {
    const entry = deidentifyChatEntry(body.entry, withheld);
    return entry === body.entry ? body : { ...body, entry };
  }
  return body;
}

/** An alarm's own words (who, what, why: a call for help's reason is typed by staff) as observers see them. */
function deidentifyAlarm(alarm: NoticeAlarm, withheld: readonly string[]): NoticeAlarm {
  const detail = redactIdentifiers(alarm.detail, withheld);
  const reason = alarm.reason === undefined ? undefined : redactIdentifiers(alarm.reason, withheld);
  return detail === alarm.detail && reason === alarm.reason ? alarm : { ...alarm, detail, ...(reason === undefined ? {} : { reason }) };
}

/** One chat entry as observers see it: the patient's identifiers removed from its free text. */
export function deidentifyChatEntry(entry: ChatEntry, withheld: readonly string[]): ChatEntry {
  const text = redactIdentifiers(entry.text, withheld);
  return text === entry.text ? entry : { ...entry, text };
}

/**
 * The identifiers of the exam's patient that observers never read: the name both as stored
 * (DOE^JANE) and as every page shows it (DOE, JANE), which is how staff copy it into a chat or a
 * call for help; the ID, accession number and birth date. None without an exam.
 */
export function patientIdentifiers(exam: Exam | null): string[] {
  if (!exam) return [];
  return [exam.patient.name, formatPersonName(exam.patient.name), exam.patient.id, exam.accessionNumber, exam.patient.birthDate].filter(
    (value): value is string => value !== null && value.trim().length > 0,
  );
}

/**
 * The open exam's identifiers that occur in `words`: what must still be withheld from observers
 * when the words are said again after that exam has closed (an alarm raised again after a
 * restart), kept with them and nothing more.
 */
export function identifiersIn(words: string, exam: Exam | null): string[] {
  return patientIdentifiers(exam).filter((value) => words.includes(value));
}

function redactIdentifiers(text: string, withheld: readonly string[]): string {
  // Longest first, so a name containing the ID is replaced whole.
  const identifiers = [...withheld].sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of identifiers) out = out.split(value).join(DEIDENTIFIED);
  return out;
}
