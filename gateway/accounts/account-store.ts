import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AccountLevel, AccountRole, MAX_DISPLAY_NAME_CHARS, type AccountLevel as Level, type AccountRole as RoleName } from '../../protocol/index.js';
import { cutText } from '../../base/common/cut-text.js';
import { migrate } from '../../base/node/sqlite-migrate.js';
import { GATEWAY_MIGRATIONS } from '../storage/migrations/index.js';

export interface Account {
  userId: string;
  displayName: string;
  roles: RoleName[];
  /** ACR MR personnel level; onsite accounts have one. */
  level: Level | null;
  enabled: boolean;
  passwordHash: string;
  totpSecret: string | null;
}

export type NewAccount = Omit<Account, 'enabled' | 'totpSecret'> & { enabled?: boolean; totpSecret?: string | null };

interface AccountRow {
  user_id: string;
  display_name: string;
  roles: string;
  level: string | null;
  enabled: number;
  password_hash: string;
  totp_secret: string | null;
}

/**
 * The account table of the gateway's SQLite file, on a connection of its own: the gateway and
 * the `larmor gateway users` CLI both open it, and WAL lets the CLI change accounts while the
 * gateway runs (each sign-in reads the row afresh).
 */
export class AccountStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Another process (the gateway, or a second CLI) may hold the write lock for a moment.
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db, GATEWAY_MIGRATIONS);
  }

  get(userId: string): Account | undefined {
    const row = this.db.prepare('SELECT * FROM account WHERE user_id = ?').get(userId) as AccountRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(): Account[] {
    return (this.db.prepare('SELECT * FROM account ORDER BY user_id').all() as AccountRow[]).map(fromRow);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM account').get() as { n: number }).n;
  }

  add(account: NewAccount): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        'INSERT INTO account (user_id, display_name, roles, level, enabled, password_hash, totp_secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        account.userId,
        account.displayName,
        account.roles.join(','),
        account.level,
        account.enabled === false ? 0 : 1,
        account.passwordHash,
        account.totpSecret ?? null,
        now,
        now,
      );
  }

  setEnabled(userId: string, enabled: boolean): boolean {
    return this.update(userId, 'enabled = ?', enabled ? 1 : 0);
  }

  setPasswordHash(userId: string, passwordHash: string): boolean {
    return this.update(userId, 'password_hash = ?', passwordHash);
  }

  setRoles(userId: string, roles: RoleName[], level: Level | null): boolean {
    const now = new Date().toISOString();
    return this.db.prepare('UPDATE account SET roles = ?, level = ?, updated_at = ? WHERE user_id = ?').run(roles.join(','), level, now, userId).changes === 1;
  }

  setTotpSecret(userId: string, secret: string | null): boolean {
    return this.update(userId, 'totp_secret = ?', secret);
  }

  close(): void {
    this.db.close();
  }

  private update(userId: string, assignment: string, value: unknown): boolean {
    const now = new Date().toISOString();
    return this.db.prepare(`UPDATE account SET ${assignment}, updated_at = ? WHERE user_id = ?`).run(value, now, userId).changes === 1;
  }
}

function fromRow(row: AccountRow): Account {
  return {
    userId: row.user_id,
    // Accounts stored before names had a limit keep theirs on disk: every place a name goes
    // (snapshots, participant rows, alarms) gets its first MAX_DISPLAY_NAME_CHARS characters.
    displayName: cutText(row.display_name, MAX_DISPLAY_NAME_CHARS),
    roles: row.roles.split(',').filter((r) => AccountRole.safeParse(r).success) as RoleName[],
    level: row.level === null ? null : AccountLevel.parse(row.level),
    enabled: row.enabled === 1,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
  };
}
