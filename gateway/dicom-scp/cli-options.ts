/**
 * The DICOM receiver's command-line flags of `larmor gateway`, parsed and checked here so the
 * gateway CLI only spreads them in:
 *   --dicom-allow AE@CIDR,...              calling AE titles and the networks they may call from
 *   --dicom-patient-mismatch warn|refuse   images of another patient than the open exam's
 *   --dicom-tls-cert FILE --dicom-tls-key FILE [--dicom-tls-ca FILE]   DICOM TLS (PS3.15 B.1)
 *   --dicom-max-associations N             at once (default 8)
 *   --dicom-max-pdu BYTES                  Maximum Length advertised for P-DATA-TF (default 262144)
 */
import { readFileSync } from 'node:fs';
import { type LarmorError } from '../../protocol/index.js';
import { parseAllowList, type AllowRule } from './calling-ae-allow-list.js';
import type { PatientMismatchPolicy } from './patient-admission.js';

export const DICOM_CLI_OPTIONS = {
  'dicom-allow': { type: 'string', default: process.env.LARMOR_DICOM_ALLOW },
  'dicom-patient-mismatch': { type: 'string', default: process.env.LARMOR_DICOM_PATIENT_MISMATCH ?? 'warn' },
  'dicom-tls-cert': { type: 'string' },
  'dicom-tls-key': { type: 'string' },
  'dicom-tls-ca': { type: 'string' },
  'dicom-max-associations': { type: 'string' },
  'dicom-max-pdu': { type: 'string' },
} as const;

export const DICOM_CLI_USAGE = `[--dicom-allow AE@CIDR,...] [--dicom-patient-mismatch warn|refuse]
                      [--dicom-tls-cert FILE --dicom-tls-key FILE [--dicom-tls-ca FILE]]
                      [--dicom-max-associations N] [--dicom-max-pdu BYTES]`;

export interface DicomHardeningOptions {
  allowList?: AllowRule[];
  patientMismatch: PatientMismatchPolicy;
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  maxAssociations?: number;
  limits?: { maxPduLength: number };
}

type Values = { [K in keyof typeof DICOM_CLI_OPTIONS]?: string | undefined };

/** The receiver options the flags ask for, or an Error whose message names the bad flag. */
export function dicomOptionsFromFlags(values: Values): DicomHardeningOptions | Error {
  const options: DicomHardeningOptions = { patientMismatch: 'warn' };
  const policy = values['dicom-patient-mismatch'] ?? 'warn';
  if (policy !== 'warn' && policy !== 'refuse') return new Error(`--dicom-patient-mismatch ${policy} must be warn or refuse`);
  options.patientMismatch = policy;
  if (values['dicom-allow']) {
    try {
      options.allowList = parseAllowList(values['dicom-allow']);
    } catch (err) {
      return new Error((err as LarmorError).message);
    }
  }
  if (Boolean(values['dicom-tls-cert']) !== Boolean(values['dicom-tls-key'])) return new Error('--dicom-tls-cert and --dicom-tls-key go together');
  if (values['dicom-tls-ca'] && !values['dicom-tls-cert']) return new Error('--dicom-tls-ca needs --dicom-tls-cert and --dicom-tls-key');
  if (values['dicom-tls-cert']) {
    try {
      options.tls = {
        cert: readFileSync(values['dicom-tls-cert']),
        key: readFileSync(values['dicom-tls-key']!),
        ...(values['dicom-tls-ca'] ? { ca: readFileSync(values['dicom-tls-ca']) } : {}),
      };
    } catch (err) {
      return new Error(`DICOM TLS files: ${(err as Error).message}`);
    }
  }
  if (values['dicom-max-associations'] !== undefined) {
    const n = Number(values['dicom-max-associations']);
    if (!Number.isInteger(n) || n < 1 || n > 1000) return new Error(`--dicom-max-associations ${values['dicom-max-associations']} must be 1..1000`);
    options.maxAssociations = n;
  }
  if (values['dicom-max-pdu'] !== undefined) {
    const n = Number(values['dicom-max-pdu']);
    // The floor is DCMTK's (its --max-pdu starts at 4096 bytes), the ceiling our hard cap for any PDU.
    if (!Number.isInteger(n) || n < 4096 || n > 1024 * 1024) return new Error(`--dicom-max-pdu ${values['dicom-max-pdu']} must be 4096..1048576 bytes`);
    options.limits = { maxPduLength: n };
  }
  return options;
}
