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
 * ("... confirmed screening and positioning for DOE, JANE"), so the open exam's identifiers are
 * replaced wherever they occur in them.
 */
export function deidentifyEventBody(body: GatewayEventBody, exam: Exam | null): GatewayEventBody {
  if (body.kind === 'scanner') return { ...body, snapshot: deidentifySnapshot(body.snapshot) };
  // A patient-mismatch notice names the other patient, whose identifiers the exam cannot redact.
  if (body.kind === 'notice' && body.text.includes(ErrorCode.DICOM_PATIENT_MISMATCH)) {
    return {
      ...body,
      text: `A DICOM image of another patient than the open exam arrived (${ErrorCode.DICOM_PATIENT_MISMATCH}); its identifiers are withheld from observers`,
    };
  }
  // Unchanged words keep the same body: the event buffer then sends observers the frame it already made.
  if (body.kind === 'notice' && exam) {
    const text = redactIdentifiers(body.text, exam);
    const alarm = body.alarm && deidentifyAlarm(body.alarm, exam);
    return text === body.text && alarm === body.alarm ? body : { ...body, text, ...(alarm ? { alarm } : {}) };
  }
  // Chat is free text: staff may type the patient's name.
  if (body.kind === 'chat' && exam) {
    const entry = deidentifyChatEntry(body.entry, exam);
    return entry === body.entry ? body : { ...body, entry };
  }
  return body;
}

/** An alarm's own words (who, what, why: a call for help's reason is typed by staff) as observers see them. */
function deidentifyAlarm(alarm: NoticeAlarm, exam: Exam): NoticeAlarm {
  const detail = redactIdentifiers(alarm.detail, exam);
  const reason = alarm.reason === undefined ? undefined : redactIdentifiers(alarm.reason, exam);
  return detail === alarm.detail && reason === alarm.reason ? alarm : { ...alarm, detail, ...(reason === undefined ? {} : { reason }) };
}

/** One chat entry as observers see it: the patient's identifiers removed from its free text. */
export function deidentifyChatEntry(entry: ChatEntry, exam: Exam): ChatEntry {
  const text = redactIdentifiers(entry.text, exam);
  return text === entry.text ? entry : { ...entry, text };
}

function redactIdentifiers(text: string, exam: Exam): string {
  // The name both as stored (DOE^JANE) and as every page shows it (DOE, JANE), which is how staff copy it into a chat.
  const identifiers = [exam.patient.name, formatPersonName(exam.patient.name), exam.patient.id, exam.accessionNumber, exam.patient.birthDate]
    .filter((value): value is string => value !== null && value.trim().length > 0)
    // Longest first, so a name containing the ID is replaced whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of identifiers) out = out.split(value).join(DEIDENTIFIED);
  return out;
}
