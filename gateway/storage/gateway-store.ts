import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AckMessage, CommandOutcome } from '../../protocol/index.js';
import { migrate } from '../../base/node/sqlite-migrate.js';
import { GENESIS_HASH, rowHash, type ChainedRow } from '../audit/chain.js';
import { GATEWAY_MIGRATIONS } from './migrations/index.js';
import { CollaborationStore } from './collaboration-store.js';
import { OpenAlarmStore } from './open-alarm-store.js';

export interface AuditRecord {
  sessionId: string | null;
  actor: string | null;
  role: string | null;
  action: string;
  decision: string;
  code?: string | null;
  detail?: unknown;
  /** The signed-in account behind the session, when there is one. */
  userId?: string | null;
  /** The peer's network address (IHE ATNA: Network Access Point ID). */
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
  /** Chat and contingency plans, in the same file. */
  readonly collaboration: CollaborationStore;
  readonly openAlarms: OpenAlarmStore;
  private readonly dataVersion: Database.Statement;
  private readonly selectTail: Database.Statement;
  private readonly appendAudit: (record: AuditRecord) => void;
  /** The newest row's id and hash, kept here so an append needs no read of the table. */
  private tail = { id: 0, hash: GENESIS_HASH, dataVersion: -1 };
  private readonly auditListeners: (() => void)[] = [];

  constructor(file: string) {
    if (file !== ':memory:') createPrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    migrate(this.db, GATEWAY_MIGRATIONS);
    this.insertAudit = this.db.prepare(
      'INSERT INTO audit (id, at, session_id, actor, role, action, decision, code, detail, user_id, peer, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.selectTail = this.db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
    // IMMEDIATE takes the write lock first, so no other process can append between the
    // data_version check and our insert: the chain never forks.
    this.appendAudit = this.db.transaction((record: AuditRecord) => this.appendChained(record)).immediate;
    this.loadTail();
    this.insertOutcome = this.db.prepare('INSERT OR IGNORE INTO command_outcome (id, at, actor, name, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectOutcome = this.db.prepare('SELECT outcome, code, reason FROM command_outcome WHERE id = ?');
    this.collaboration = new CollaborationStore(this.db);
    this.openAlarms = new OpenAlarmStore(this.db);
  }

  audit(record: AuditRecord): void {
    this.appendAudit(record);
    for (const listener of this.auditListeners) listener();
  }

  /** Called after every audit row is on disk (the syslog shipper wakes up on it). */
  onAudit(listener: () => void): void {
    this.auditListeners.push(listener);
  }

  private appendChained(record: AuditRecord): void {
    // PRAGMA data_version changes only when another connection (an admin CLI on the same data
    // dir) committed; then, and only then, the tail is read again.
    if (this.dataVersion.get() !== this.tail.dataVersion) this.loadTail();
    const row: ChainedRow = [
      this.tail.id + 1,
      new Date().toISOString(),
      record.sessionId,
      record.actor,
      record.role,
      record.action,
      record.decision,
      record.code ?? null,
      record.detail === undefined ? null : JSON.stringify(record.detail),
      record.userId ?? null,
      record.peer ?? null,
    ];
    const hash = rowHash(this.tail.hash, row);
    this.insertAudit.run(...row, this.tail.hash, hash);
    this.tail = { id: row[0], hash, dataVersion: this.tail.dataVersion };
  }

  private loadTail(): void {
    const last = this.selectTail.get() as { id: number; hash: string } | undefined;
    this.tail = { id: last?.id ?? 0, hash: last?.hash ?? GENESIS_HASH, dataVersion: this.dataVersion.get() as number };
  }

  outcomeOf(commandId: string): StoredOutcome | undefined {
    return this.selectOutcome.get(commandId) as StoredOutcome | undefined;
  }

  rememberOutcome(ack: AckMessage, actor: string, name: string): void {
    this.insertOutcome.run(ack.id, new Date().toISOString(), actor, name, ack.outcome, ack.code, ack.reason);
  }

  auditTrail(limit = 1000): (AuditRecord & { at: string })[] {
    const rows = this.db
      .prepare('SELECT at, session_id, actor, role, action, decision, code, detail, user_id, peer FROM audit ORDER BY id DESC LIMIT ?')
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
      userId: r.user_id,
      peer: r.peer,
    }));
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The gateway's files hold PHI and the audit trail: the folder is 0700 and the database 0600
 * before SQLite opens it (SQLite gives its -wal and -shm files the database file's mode).
 */
function createPrivateFile(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
