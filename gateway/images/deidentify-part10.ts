import { readPart10, type DataSet } from '../../native-bridge/dicom/index.js';

/**
 * PS3.15 Annex E, Table E.1-1 (Basic Application Level Confidentiality Profile), for the
 * elements an observer would see: Z (zero-length or dummy) or X (remove) in the profile; here
 * every one becomes an all-space value of the same length, which reads back as empty.
 */
const OBSERVER_REMOVED_TAGS: readonly number[] = [
  0x00080050, // Accession Number (Z)
  0x00100010, // Patient's Name (Z)
  0x00100020, // Patient ID (Z)
  0x00100030, // Patient's Birth Date (Z)
  0x00100032, // Patient's Birth Time (X)
  0x00101000, // Other Patient IDs (X)
  0x00101001, // Other Patient Names (X)
  0x00101005, // Patient's Birth Name (X)
  0x00101060, // Patient's Mother's Birth Name (X)
  0x00200010, // Study ID (Z): scanners often fill it with the patient ID
];

/**
 * A copy of a Part 10 file with the patient's identifying elements blanked, everywhere they
 * occur (nested sequence items too, e.g. Other Patient IDs Sequence). Blanking in place keeps
 * every length, so the pixel data, the transfer syntax and all offsets stay exactly as they
 * were: no re-encoding, nothing to get wrong. Returns null when the file cannot be read (then
 * it must not reach an observer at all: fail closed).
 */
export function deidentifyPart10(part10: Uint8Array): Uint8Array | null {
  // The Uint8Array constructor copies whatever the input: a Buffer's slice() would be a view,
  // and the caller's bytes would be blanked with the copy's.
  const copy = new Uint8Array(part10);
  let dataset: DataSet;
  try {
    dataset = readPart10(copy).dataset;
  } catch {
    return null;
  }
  return blank(dataset, copy) ? copy : null;
}

function blank(dataset: DataSet, copy: Uint8Array): boolean {
  for (const element of dataset.elements.values()) {
    if (OBSERVER_REMOVED_TAGS.includes(element.tag)) {
      // The reader's values are views into `copy`; a value elsewhere would be left unblanked.
      if (element.bytes.length > 0 && element.bytes.buffer !== copy.buffer) return false;
      element.bytes.fill(0x20);
    }
    for (const item of element.items ?? []) if (!blank(item, copy)) return false;
  }
  return true;
}
