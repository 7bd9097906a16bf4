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
 * How long command outcomes are kept (docs/architecture.md, "Commands"). A stored outcome does two
 * jobs: it answers a resent id, so the command runs once, and it answers a workstation's later
 * `command.status` with what happened. A workstation resends only a command younger than
 * COMMAND_RESEND_MAX_AGE_MS (30 s, protocol/health.ts) and a copy on a half-dead route arrives
 * while its session lives (seconds, the liveness timeout); lookups come at the workstation's next
 * connection after a crash (its outbox is never pruned, main/core/outbox.ts), so they may come
 * days later. Hence a month by age; and, so that a flood of ids cannot fill the disk, the newest
 * `maxRows` only, though never at the cost of an outcome younger than `keepYoungerThanMs`, far
 * past the resend horizon: a resend must still find its command's outcome. A lookup of an id
 * older than that is answered unknown (the workstation settles it as not applied); nothing runs.
 */
export interface OutcomeRetention {
  maxAgeMs: number;
  maxRows: number;
  keepYoungerThanMs: number;
}

export const OUTCOME_RETENTION: OutcomeRetention = {
  maxAgeMs: 30 * 24 * 60 * 60_000,
  maxRows: 100_000,
  keepYoungerThanMs: 60 * 60_000,
};

/**
 * Outcomes are pruned every this many rows written (and at the first row of a process), not once
 * a message: a prune is one indexed DELETE of at most PRUNE_OUTCOMES_AT_MOST rows.
 */
const PRUNE_OUTCOMES_EVERY = 1_000;
const PRUNE_OUTCOMES_AT_MOST = 10_000;

export interface GatewayStoreOptions {
  /** Clock for outcome times and their pruning (tests); default Date.now. */
  now?: () => number;
  outcomeRetention?: Partial<OutcomeRetention>;
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
  private readonly nthNewestOutcomeAt: Database.Statement;
  private readonly deleteOutcomesBefore: Database.Statement;
  private readonly insertOutcomes: (rows: readonly AckMessage[], actor: string, name: string, alongside?: () => void) => void;
  private readonly now: () => number;
  private readonly retention: OutcomeRetention;
  /** Rows written since the last prune; starts full so that the first row of a process prunes. */
  private outcomesSincePrune = PRUNE_OUTCOMES_EVERY;
  /** Chat and contingency plans, in the same file. */
  readonly collaboration: CollaborationStore;
  readonly openAlarms: OpenAlarmStore;
  private readonly dataVersion: Database.Statement;
  private readonly selectTail: Database.Statement;
  private readonly appendAudit: (record: AuditRecord) => void;
  /** The newest row's id and hash, kept here so an append needs no read of the table. */
  private tail = { id: 0, hash: GENESIS_HASH, dataVersion: -1 };
  private readonly auditListeners: (() => void)[] = [];

  constructor(file: string, options: GatewayStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.retention = { ...OUTCOME_RETENTION, ...options.outcomeRetention };
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
    this.nthNewestOutcomeAt = this.db.prepare('SELECT at FROM command_outcome ORDER BY at DESC LIMIT 1 OFFSET ?').pluck();
    this.deleteOutcomesBefore = this.db.prepare('DELETE FROM command_outcome WHERE id IN (SELECT id FROM command_outcome WHERE at < ? ORDER BY at LIMIT ?)');
    // One transaction for a message's rows, and for the audit row that goes with them: one
    // commit (one fsync at synchronous=FULL) a message, not one a row. IMMEDIATE for the same
    // reason as the audit's: a nested audit append must not find another process's row between
    // its read of the tail and its insert.
    this.insertOutcomes = this.db.transaction((rows: readonly AckMessage[], actor: string, name: string, alongside?: () => void) => {
      const at = new Date(this.now()).toISOString();
      for (const ack of rows) this.insertOutcome.run(ack.id, at, actor, name, ack.outcome, ack.code, ack.reason);
      alongside?.();
    }).immediate;
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

  /**
   * Several outcomes in one transaction, with `alongside` (an audit row) inside it: all of them
   * are on disk before any is reported, or none is.
   */
  rememberOutcomes(acks: readonly AckMessage[], actor: string, name: string, alongside?: () => void): void {
    if (acks.length === 0 && !alongside) return;
    try {
      this.insertOutcomes(acks, actor, name, alongside);
    } catch (err) {
      // Rolled back: an audit row appended inside is gone, so the kept tail is read again (the
      // next row chains to the last one on disk, not to the one rolled back).
      this.loadTail();
      throw err;
    }
    if (alongside) for (const listener of this.auditListeners) listener();
    this.outcomesWritten(acks.length);
  }

  /**
   * Deletes (at most PRUNE_OUTCOMES_AT_MOST of) the outcomes past OUTCOME_RETENTION: older than
   * `maxAgeMs`, or beyond the newest `maxRows` and older than `keepYoungerThanMs`. Returns how
   * many went.
   */
  pruneOutcomes(): number {
    const now = this.now();
    const { maxAgeMs, maxRows, keepYoungerThanMs } = this.retention;
    let before = new Date(now - maxAgeMs).toISOString();
    // ISO 8601 times in UTC, all written by this class, order as strings.
    const newestKeptAt = this.nthNewestOutcomeAt.get(Math.max(0, maxRows - 1)) as string | undefined;
    if (newestKeptAt !== undefined) {
      const floor = new Date(now - keepYoungerThanMs).toISOString();
      const byCount = newestKeptAt < floor ? newestKeptAt : floor;
      if (byCount > before) before = byCount;
    }
    return this.deleteOutcomesBefore.run(before, PRUNE_OUTCOMES_AT_MOST).changes;
  }

  private outcomesWritten(rows: number): void {
    this.outcomesSincePrune += rows;
    if (this.outcomesSincePrune < PRUNE_OUTCOMES_EVERY) return;
    this.outcomesSincePrune = 0;
    this.pruneOutcomes();
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
