import type { Database } from 'better-sqlite3';

/**
 * People who may sign in at the gateway: roles, the ACR MR level of onsite staff, the scrypt
 * hash with its own cost parameters (gateway/accounts/password-hash.ts), an optional RFC 6238
 * TOTP secret, and whether the account is enabled.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE account (
      user_id TEXT PRIMARY KEY,
      display_name TEXT NOT NULL,
      roles TEXT NOT NULL,
      level TEXT,
      enabled INTEGER NOT NULL DEFAULT 1,
      password_hash TEXT NOT NULL,
      totp_secret TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
