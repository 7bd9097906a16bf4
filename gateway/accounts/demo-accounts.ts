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
 * `npm start` on a fresh data dir: one account per role, each with a random password shown once
 * by the caller. Nothing happens when any account exists (the demo's or the site's own).
 */
export async function createDemoAccounts(accounts: AccountStore): Promise<DemoAccount[]> {
  if (accounts.count() > 0) return [];
  const created: DemoAccount[] = [];
  for (const person of DEMO_PEOPLE) {
    const password = randomBytes(12).toString('base64url');
    accounts.add({ ...person, passwordHash: await hashPassword(password) });
    created.push({ ...person, password });
  }
  return created;
}
