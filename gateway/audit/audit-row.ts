/** One stored audit row as the export, syslog and verify paths read it. */
export interface AuditRow {
  id: number;
  at: string;
  sessionId: string | null;
  actor: string | null;
  role: string | null;
  action: string;
  decision: string;
  code: string | null;
  /** The stored JSON text of the detail, or null. */
  detail: string | null;
  userId: string | null;
  peer: string | null;
  prevHash: string;
  hash: string;
}
