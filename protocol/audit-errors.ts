/**
 * Stable error codes of the tamper-evident audit trail and its shipping to the site's audit
 * repository (IHE ATNA). Re-exported by protocol/index.ts.
 */
export const AuditErrorCode = {
  /** No gateway database in the data directory given to `larmor audit`. */
  NOT_FOUND: 'LARMOR_E_AUDIT_NOT_FOUND',
  /** `larmor audit verify` found a row that does not match the hash chain, or a damaged file. */
  CHAIN_BROKEN: 'LARMOR_E_AUDIT_CHAIN_BROKEN',
  /** An UPDATE or DELETE on the audit table (refused by its triggers). */
  APPEND_ONLY: 'LARMOR_E_AUDIT_APPEND_ONLY',
  /** A bad `larmor audit` or `--audit-syslog` argument. */
  INVALID_ARGUMENT: 'LARMOR_E_AUDIT_INVALID_ARGUMENT',
} as const;

export type AuditErrorCode = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];
