import type Database from 'better-sqlite3';
import { iterateRows } from './audit-reader.js';
import type { AuditRow } from './audit-row.js';
import { dicomAuditMessage, type AuditSource } from './dicom-audit-message.js';

export type ExportFormat = 'jsonl' | 'dicom';

/** One line per row: the row as stored (detail parsed back to JSON), chain links included. */
function jsonLine(row: AuditRow): string {
  return JSON.stringify({ ...row, detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown) });
}

/** The rows at or after `since` (ISO-8601, compared with the stored UTC times), one line each. */
export function* exportLines(db: Database.Database, format: ExportFormat, source: AuditSource, since?: string): Generator<string> {
  for (const row of iterateRows(db, since)) yield format === 'jsonl' ? jsonLine(row) : dicomAuditMessage(row, source);
}
