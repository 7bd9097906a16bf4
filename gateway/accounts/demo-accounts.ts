import { randomBytes } from 'node:crypto';
import type { AccountLevel, AccountRole } from '../../protocol/index.js';
import type { AccountStore } from './account-store.js';
import { hashPassword } from './password-hash.js';

export interface DemoAccount {
  userId: string;
  displayName: string;
  roles: AccountRole[];
  level: AccountLevel | null;
  password: string;
}

const DEMO_PEOPLE: Omit<DemoAccount, 'password'>[] = [
  { userId: 'demo.operator', displayName: 'Remote Tech (demo)', roles: ['operator', 'observer'], level: null },
  { userId: 'demo.onsite', displayName: 'Onsite Tech (demo)', roles: ['onsite'], level: 'mrst' },
  { userId: 'demo.observer', displayName: 'Trainee (demo)', roles: ['observer'], level: null },
  { userId: 'demo.admin', displayName: 'Site Admin (demo)', roles: ['admin'], level: null },
];

/**
 * `npm start` on a fresh data dir: one account per role, each with a random password (or the one
 * given for it) shown once by the caller. Nothing happens when any account exists (the demo's or the site's own).
 */
export async function createDemoAccounts(accounts: AccountStore, passwords: Record<string, string> = {}): Promise<DemoAccount[]> {
  if (accounts.count() > 0) return [];
  const created: DemoAccount[] = [];
  for (const person of DEMO_PEOPLE) {
    // Given passwords: several gateways of one `npm start` get the same accounts (main/start).
    const given = passwords[person.userId];
    const password = typeof given === 'string' && given.length >= 12 ? given : randomBytes(12).toString('base64url');
    accounts.add({ ...person, passwordHash: await hashPassword(password) });
    created.push({ ...person, password });
  }
  return created;
}
