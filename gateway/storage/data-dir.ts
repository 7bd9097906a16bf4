import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The gateway's data directory: `--data-dir`, else LARMOR_DATA_DIR, else ~/.larmor. Every
 * gateway command (`larmor gateway`, `users`, `plans`, `larmor audit`) means the same directory.
 */
export function defaultDataDir(): string {
  return process.env.LARMOR_DATA_DIR ?? join(homedir(), '.larmor');
}

/** Where a data directory keeps the gateway's SQLite file (accounts, audit, outcomes, chat, plans). */
export function gatewayDataFile(dataDir: string): string {
  return join(dataDir, 'gateway', 'gateway.sqlite');
}
