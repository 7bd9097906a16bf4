import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { LarmorError, type CommandOutcome, type ScannerCommand } from '../../protocol/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { migrate } from '../../base/node/sqlite-migrate.js';
import { JOURNAL_MIGRATIONS } from './migrations/index.js';

export interface OutboxEntry {
  id: string;
  command: ScannerCommand;
  /** The session's primary gateway URL: the site the command was meant for. */
  target: string;
  queuedAt: string;
  sends: number;
}

/**
 * The journal's writes stopped (`failing`: the first write that failed, with its code), or work
 * again after stopping (`writing`). `lostRows`: activity rows dropped since the writes stopped.
 * Told once per change, not once per write.
 */
export type JournalWriteState = { state: 'failing'; code: string; message: string; lostRows: number } | { state: 'writing'; lostRows: number };

export interface SettledEntry extends OutboxEntry {
  outcome: CommandOutcome;
  code: string | null;
  reason: string | null;
  settledAt: string;
  settledBy: 'gateway' | 'local';
}

/** Where the app keeps its journal: $LARMOR_DATA_DIR/journal.sqlite or ~/.larmor/workstation/journal.sqlite. */
export function defaultJournalFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.LARMOR_DATA_DIR ?? join(homedir(), '.larmor', 'workstation'), 'journal.sqlite');
}

/** The journal's page cache (PRAGMA cache_size): see Journal.open. */
const JOURNAL_CACHE_KIB = 256;

/** Activity rows taken at most into one transaction: bounds what a loop that never yields holds uncommitted. */
const MAX_PENDING_ROWS = 512;

/**
 * Activity rows kept, newest first: about 250 MB of file. A live image leaves one row; a day of
 * exams a few tens of thousands, a gateway that storms events as many as it sends. Without a
 * bound the file grew as long as the workstation ran. The outbox is never pruned.
 */
const MAX_ACTIVITY_ROWS = 1_000_000;
/** How many rows go in one prune at most: a short DELETE of a rowid range, never a long one on the event loop. */
const PRUNE_EVERY_ROWS = 10_000;

/**
 * What every Journal made with forSite shares with the one it came from: the database
 * connection, its PRAGMA synchronous (the connection's setting), and the activity rows not yet
 * committed.
 */
class Connection {
  /** How durable the last write was asked to be. */
  private level: 'FULL' | 'NORMAL' = 'FULL';
  private pending: [at: string, type: string, record: string, site: string | null][] = [];
  private readonly insertActivity: Database.Statement;
  private readonly insertMany: (rows: Connection['pending']) => void;
  private readonly prune: () => void;
  /** Rows committed since the last prune: the oldest go every PRUNE_EVERY_ROWS (a tenth of a small bound), in one rowid range. */
  private sincePrune = 0;
  /** Activity rows dropped since writes began to fail; null while they succeed. */
  private lostSinceFailure: number | null = null;
  private readonly writeListeners = new Set<(change: JournalWriteState) => void>();

  constructor(
    readonly db: Database.Database,
    readonly file: string,
    private readonly maxActivityRows: number,
  ) {
    this.insertActivity = db.prepare('INSERT INTO activity (at, type, record, site) VALUES (?, ?, ?, ?)');
    this.insertMany = db.transaction((rows: Connection['pending']) => {
      for (const row of rows) this.insertActivity.run(...row);
    });
    const oldest = db.prepare('DELETE FROM activity WHERE id <= (SELECT max(id) FROM activity) - ?');
    this.prune = () => void oldest.run(maxActivityRows);
    guard(this.prune, file);
  }

  /** Takes an activity row into the open batch; it is committed before the event loop turns. */
  add(row: Connection['pending'][number]): void {
    // Refused here, where the caller hears of it, rather than in the commit that follows.
    if (!this.db.open) throw classify(new Error('the journal is closed'), this.file);
    this.pending.push(row);
    if (this.pending.length === 1) queueMicrotask(() => this.commit());
    else if (this.pending.length >= MAX_PENDING_ROWS) this.commit();
  }

  /**
   * Commits the open batch, in one transaction, with synchronous=NORMAL. Never throws: it runs
   * in a microtask, where nothing could catch it and Node would end the process. Rows that
   * cannot be written (a full disk, sqlite.org/rescode.html#full) are dropped and counted, and
   * the listeners told (onWriteState); the next batch tries again.
   */
  commit(): void {
    if (this.pending.length === 0 || !this.db.open) return;
    const rows = this.pending;
    this.pending = [];
    try {
      this.durable('NORMAL');
      guard(() => this.insertMany(rows), this.file);
    } catch (err) {
      this.failed(err as LarmorError, rows.length);
      return;
    }
    this.succeeded();
    this.sincePrune += rows.length;
    if (this.sincePrune < Math.max(1, Math.min(PRUNE_EVERY_ROWS, this.maxActivityRows / 10))) return;
    this.sincePrune = 0;
    try {
      guard(this.prune, this.file);
    } catch (err) {
      this.failed(err as LarmorError, 0);
    }
  }

  /** A write failed (`lostRows` activity rows with it): told when it is the first since writes last worked. */
  failed(err: LarmorError, lostRows: number): void {
    const first = this.lostSinceFailure === null;
    this.lostSinceFailure = (this.lostSinceFailure ?? 0) + lostRows;
    if (first) this.tell({ state: 'failing', code: err.code, message: err.message, lostRows });
  }

  /** A write worked: told when writes had been failing. */
  succeeded(): void {
    if (this.lostSinceFailure === null) return;
    const lostRows = this.lostSinceFailure;
    this.lostSinceFailure = null;
    this.tell({ state: 'writing', lostRows });
  }

  onWriteState(listener: (change: JournalWriteState) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  private tell(change: JournalWriteState): void {
    for (const listener of this.writeListeners) listener(change);
  }

  /** Sets PRAGMA synchronous for the next write, when it differs from the last (no I/O). */
  durable(level: 'FULL' | 'NORMAL'): void {
    if (this.level === level) return;
    guard(() => this.db.pragma(`synchronous = ${level}`), this.file);
    this.level = level;
  }
}

/**
 * The workstation's durable memory, behind this one module (Signal-Desktop ts/sql pattern):
 * the command outbox and the activity record, in WAL mode. An outbox row is written with
 * synchronous=FULL: on disk before the call returns, so a command is journalled before its frame
 * leaves and an ack before anyone is told of it, whatever happens to the machine.
 *
 * Activity rows (events, notices, health changes) are taken into a batch and committed in one
 * transaction with synchronous=NORMAL before the event loop turns (a microtask; at once beyond
 * MAX_PENDING_ROWS): in the operating system's hands from then on, so kill -9 of the workstation
 * loses only rows of the task it struck, without an fsync for each. A resume replays up to 5,000
 * events at once, each arriving in the same turn as its neighbours; at one fsync each (two for a
 * notice) the event loop stood still for seconds, heartbeats with it, and at one transaction each
 * for half a second (README "A burst of events into the workstation's journal"). A power cut may
 * lose the last activity rows (sqlite.org/pragma.html#pragma_synchronous); the next FULL write
 * commits and makes durable every row before it.
 */
export class Journal {
  private readonly insertOutbox: Database.Statement;
  private readonly settleOutbox: Database.Statement;
  private readonly countSend: Database.Statement;
  private readonly selectUnsettled: Database.Statement;
  private readonly selectOne: Database.Statement;

  private constructor(
    private readonly connection: Connection,
    readonly site: string | null = null,
  ) {
    const db = connection.db;
    this.insertOutbox = db.prepare('INSERT INTO outbox (id, name, command, target, queued_at, site) VALUES (?, ?, ?, ?, ?, ?)');
    // First answer wins: a late duplicate ack never rewrites a recorded outcome.
    this.settleOutbox = db.prepare('UPDATE outbox SET outcome = ?, code = ?, reason = ?, settled_at = ?, settled_by = ? WHERE id = ? AND outcome IS NULL');
    this.countSend = db.prepare('UPDATE outbox SET sends = sends + 1 WHERE id = ?');
    this.selectUnsettled = db.prepare('SELECT id, command, target, queued_at, sends FROM outbox WHERE outcome IS NULL ORDER BY pos');
    this.selectOne = db.prepare('SELECT id, command, target, queued_at, sends, outcome, code, reason, settled_at, settled_by FROM outbox WHERE id = ?');
  }

  get file(): string {
    return this.connection.file;
  }

  private get db(): Database.Database {
    return this.connection.db;
  }

  /**
   * Open (creating and migrating) a journal file; errors are classified with stable codes.
   * `maxActivityRows`: activity rows kept, newest first (default MAX_ACTIVITY_ROWS; tests make it small).
   */
  static open(file: string, options: { maxActivityRows?: number } = {}): Journal {
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Written all day, read at start and when asked: appends touch the last pages only. SQLite's
      // default 2 MB page cache filled as the file grew, and with it the process's memory: 20
      // journals taking 12,000 images each grew it by 61-62 MB, with 256 KiB each by 23-24
      // (bench/journal-memory, README "A burst of events into the workstation's journal").
      db.pragma(`cache_size = -${JOURNAL_CACHE_KIB}`);
      migrate(db, JOURNAL_MIGRATIONS);
      return new Journal(new Connection(db, file, options.maxActivityRows ?? MAX_ACTIVITY_ROWS));
    } catch (err) {
      throw classify(err, file);
    }
  }

  /**
   * The same journal, writing every record with this site id (the desk keeps one core per site,
   * docs/architecture.md "The desk"). Shares the open database: close the journal it came from.
   */
  forSite(site: string): Journal {
    return new Journal(this.connection, site);
  }

  /** Activity records of one site (desk cores), oldest first. */
  activitiesOfSite(site: string): ({ type: string; at: string } & Record<string, unknown>)[] {
    this.connection.commit();
    const rows = this.db.prepare('SELECT record FROM activity WHERE site = ? ORDER BY id').all(site) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record));
  }

  /**
   * The journal's writes stopped working, or work again: told once per change, to every
   * journal of this file (forSite). Returns the unsubscribe.
   */
  onWriteState(listener: (change: JournalWriteState) => void): () => void {
    return this.connection.onWriteState(listener);
  }

  /** Durable before the command is sent. Throws (classified) when it could not be written. */
  enqueue(id: string, command: ScannerCommand, queuedAt: string, target: string): void {
    this.beforeFullWrite();
    this.outboxWrite(() => this.insertOutbox.run(id, command.name, JSON.stringify(command), target, queuedAt, this.site));
  }

  noteResend(id: string): void {
    this.beforeFullWrite();
    this.outboxWrite(() => this.countSend.run(id));
  }

  /** Record the outcome; false when it was already recorded (a duplicate ack). */
  settle(id: string, outcome: CommandOutcome, code: string | null, reason: string | null, settledAt: string, settledBy: 'gateway' | 'local'): boolean {
    this.beforeFullWrite();
    return this.outboxWrite(() => this.settleOutbox.run(outcome, code, reason, settledAt, settledBy, id).changes === 1);
  }

  /** Commands sent (or about to be) whose outcome is not known yet, oldest first; of one site when `target` is given. */
  unsettled(target?: string): OutboxEntry[] {
    const rows = this.selectUnsettled.all() as { id: string; command: string; target: string; queued_at: string; sends: number }[];
    return rows
      .filter((r) => target === undefined || r.target === target)
      .map((r) => ({
        id: r.id,
        command: JSON.parse(r.command) as ScannerCommand,
        target: r.target,
        queuedAt: r.queued_at,
        sends: r.sends,
      }));
  }

  entry(id: string): (OutboxEntry & Partial<SettledEntry>) | undefined {
    const r = this.selectOne.get(id) as Record<string, string | number | null> | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      command: JSON.parse(r.command as string) as ScannerCommand,
      target: r.target as string,
      queuedAt: r.queued_at as string,
      sends: r.sends as number,
      ...(r.outcome !== null
        ? {
            outcome: r.outcome as CommandOutcome,
            code: r.code as string | null,
            reason: r.reason as string | null,
            settledAt: r.settled_at as string,
            settledBy: r.settled_by as 'gateway' | 'local',
          }
        : {}),
    };
  }

  /**
   * One activity record (command, ack, event, health transition...), committed with the others
   * of this turn before the event loop turns, and kept through a killed process from then on.
   */
  record(activity: { type: string; at: string } & object): void {
    this.connection.add([activity.at, activity.type, JSON.stringify(activity), this.site]);
  }

  activities(type?: string): ({ type: string; at: string } & Record<string, unknown>)[] {
    this.connection.commit();
    const rows = (
      type
        ? this.db.prepare('SELECT record FROM activity WHERE type = ? ORDER BY id').all(type)
        : this.db.prepare('SELECT record FROM activity ORDER BY id').all()
    ) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record));
  }

  /** PRAGMA integrity_check: 'ok' or the problems found. */
  integrityCheck(): string {
    this.connection.commit();
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Commits the activity rows still open, then closes the database. */
  close(): void {
    if (!this.db.open) return;
    this.connection.commit();
    this.db.close();
  }

  /**
   * Before a FULL write: the open activity rows go first (the file keeps the order things
   * happened in, and the fsync makes them durable too).
   */
  private beforeFullWrite(): void {
    this.connection.commit();
    this.connection.durable('FULL');
  }

  private guard<T>(work: () => T): T {
    return guard(work, this.file);
  }

  /** An outbox write: its failure is thrown to the caller, and the journal's listeners told as for any write. */
  private outboxWrite<T>(work: () => T): T {
    let result: T;
    try {
      result = guard(work, this.file);
    } catch (err) {
      this.connection.failed(err as LarmorError, 0);
      throw err;
    }
    this.connection.succeeded();
    return result;
  }
}

function guard<T>(work: () => T, file: string): T {
  try {
    return work();
  } catch (err) {
    throw classify(err, file);
  }
}

/** SQLite result codes (sqlite.org/rescode.html) grouped into what the user can act on. */
function classify(err: unknown, file: string): LarmorError {
  if (err instanceof LarmorError) return err;
  const code = (err as { code?: string }).code ?? '';
  const message = `journal ${file}: ${(err as Error).message}`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new LarmorError(ErrorCode.JOURNAL_CORRUPT, message);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'EACCES') {
    return new LarmorError(ErrorCode.JOURNAL_READONLY, message);
  }
  return new LarmorError(ErrorCode.JOURNAL_FAILED, message);
}
