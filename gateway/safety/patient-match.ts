import type { Patient } from '../../protocol/index.js';

/** Patient Name (0010,0010) and Patient ID (0010,0020) as a received image carries them. */
export interface ImagePatient {
  id: string | null;
  name: string | null;
}

/** PN compared without case, surrounding spaces or empty trailing components ("DOE^JANE^^" is "Doe^Jane"). */
function samePersonName(a: string, b: string): boolean {
  const norm = (pn: string) =>
    pn
      .trim()
      .replace(/[\^ ]+$/, '')
      .toUpperCase();
  return norm(a) === norm(b);
}

/**
 * Why an image pushed to the DICOM port does not belong to the open exam, or null when it does.
 * Images of one patient must never show up in another patient's session: the Patient ID must be
 * the exam's, and so must the name when the image has one. With no exam open nothing matches.
 */
export function patientMismatch(examPatient: Patient | null, image: ImagePatient): string | null {
  if (examPatient === null) return 'no exam is open, so the image belongs to no patient here';
  const id = image.id?.trim() ?? '';
  if (id === '') return `the image has no Patient ID; the open exam is for ${examPatient.id}`;
  if (id !== examPatient.id.trim()) return `the image is for Patient ID ${id}, the open exam for ${examPatient.id}`;
  if (image.name && !samePersonName(image.name, examPatient.name)) return `the image is for ${image.name.trim()}, the open exam for ${examPatient.name}`;
  return null;
}
