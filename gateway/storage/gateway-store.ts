import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AckMessage, CommandOutcome } from '../../protocol/index.js';
import { GATEWAY_MIGRATIONS } from './migrations/index.js';

export interface AuditRecord {
  sessionId: string | null;
  actor: string | null;
  role: string | null;
  action: string;
  decision: string;
  code?: string | null;
  detail?: unknown;
  userId?: string | null;
  peer?: string | null;
}

export interface StoredOutcome {
  outcome: CommandOutcome;
  code: string | null;
  reason: string | null;
}

/**
 * The gateway's durable memory: the audit trail and the outcome of every command id, so that a
 * command resent after a reconnect (or a gateway restart) is answered, not applied again.
 * WAL with synchronous=FULL: a record is on disk before the ack that reports it leaves.
 */
export class GatewayStore {
  private readonly db: Database.Database;
  private readonly insertAudit: Database.Statement;
  private readonly insertOutcome: Database.Statement;
  private readonly selectOutcome: Database.Statement;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    migrate(this.db);
    this.insertAudit = this.db.prepare(
      'INSERT INTO audit (at, session_id, actor, role, action, decision, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertOutcome = this.db.prepare(
      'INSERT OR IGNORE INTO command_outcome (id, at, actor, name, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectOutcome = this.db.prepare('SELECT outcome, code, reason FROM command_outcome WHERE id = ?');
  }

  audit(record: AuditRecord): void {
    this.insertAudit.run(
      new Date().toISOString(),
      record.sessionId,
      record.actor,
      record.role,
      record.action,
      record.decision,
      record.code ?? null,
      record.detail === undefined ? null : JSON.stringify(record.detail),
    );
  }

  outcomeOf(commandId: string): StoredOutcome | undefined {
    return this.selectOutcome.get(commandId) as StoredOutcome | undefined;
  }

  rememberOutcome(ack: AckMessage, actor: string, name: string): void {
    this.insertOutcome.run(ack.id, new Date().toISOString(), actor, name, ack.outcome, ack.code, ack.reason);
  }

  auditTrail(limit = 1000): (AuditRecord & { at: string })[] {
    const rows = this.db
      .prepare('SELECT at, session_id, actor, role, action, decision, code, detail FROM audit ORDER BY id DESC LIMIT ?')
      .all(limit) as Record<string, string | null>[];
    return rows.reverse().map((r) => ({
      at: r.at!,
      sessionId: r.session_id,
      actor: r.actor,
      role: r.role,
      action: r.action!,
      decision: r.decision!,
      code: r.code,
      detail: r.detail === null ? undefined : JSON.parse(r.detail!),
    }));
  }

  close(): void {
    this.db.close();
  }
}

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of GATEWAY_MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
