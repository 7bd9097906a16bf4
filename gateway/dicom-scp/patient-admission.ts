import { ErrorCode, type Patient } from '../../protocol/index.js';
import { patientMismatch } from '../safety/patient-match.js';
import type { ReceivedImage } from './received-object.js';

/** What happens to an image of another patient than the open exam's: a warning, or a refusal. */
export type PatientMismatchPolicy = 'warn' | 'refuse';

/**
 * The SCP's admit() check for the patient: under `refuse` the image is turned away (C-STORE
 * 0124H, the scanner shows it as failed); under `warn` it is passed on and `warn` is told, so the
 * technologist sees a notice (not while no exam is open). Either way the code is LARMOR_E_DICOM_PATIENT_MISMATCH.
 */
export function patientAdmission(
  examPatient: () => Patient | null,
  policy: PatientMismatchPolicy,
  warn: (mismatch: { code: string; message: string; image: ReceivedImage }) => void,
): (image: ReceivedImage) => { code: string; message: string } | null {
  return (image) => {
    const patient = examPatient();
    // With no exam open there is nobody to mix up on the screen; `refuse` still turns it away.
    if (patient === null && policy === 'warn') return null;
    const reason = patientMismatch(patient, image.patient);
    if (reason === null) return null;
    const mismatch = { code: ErrorCode.DICOM_PATIENT_MISMATCH, message: `image ${image.sopInstanceUid} from ${image.callingAeTitle}: ${reason}` };
    if (policy === 'refuse') return mismatch;
    warn({ ...mismatch, image });
    return null;
  };
}
