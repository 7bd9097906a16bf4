import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared, read-only real DICOM files (see SOURCES.md there). */
export const SAMPLES_DIR = process.env.LARMOR_DICOM_SAMPLES ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'dicom-samples');

export function sample(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SAMPLES_DIR, name)));
}
