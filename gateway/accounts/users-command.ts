import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { AccountLevel, AccountRole, MAX_DISPLAY_NAME_CHARS, UserName, type AccountLevel as Level, type AccountRole as RoleName } from '../../protocol/index.js';
import { GatewayStore } from '../storage/gateway-store.js';
import { AccountStore } from './account-store.js';
import { hashPassword } from './password-hash.js';
import { newTotpSecret, totpUri } from './totp.js';
import { defaultDataDir, gatewayDataFile } from '../storage/data-dir.js';

const USERS_USAGE = `usage: larmor gateway users add NAME --roles ROLE[,ROLE] [--level mr1|mr2|mrst] [--display-name TEXT] [--totp] [--data-dir DIR]
       larmor gateway users list [--data-dir DIR]
       larmor gateway users disable NAME | enable NAME [--data-dir DIR]
       larmor gateway users set-password NAME [--data-dir DIR]
       larmor gateway users set-roles NAME --roles ROLE[,ROLE] [--level mr1|mr2|mrst] [--data-dir DIR]
  ROLE: operator, onsite, observer, admin. Onsite accounts need --level (ACR MR Level 1, Level 2,
  MR Safety Technologist). Passwords are read from standard input (first line), never from argv.`;

/** NIST SP 800-63B 5.1.1.2: memorized secrets of at least 8 characters. */
const MIN_PASSWORD = 8;

/**
 * `larmor gateway users ...`: accounts in the gateway's SQLite file (DIR/gateway/gateway.sqlite,
 * the same --data-dir as `larmor gateway`). Safe while the gateway runs: WAL, and the gateway
 * reads an account afresh at every sign-in. Every change is audited, under the OS user who ran it.
 */
export async function runUsers(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        roles: { type: 'string' },
        level: { type: 'string' },
        'display-name': { type: 'string' },
        totp: { type: 'boolean', default: false },
        'data-dir': { type: 'string', default: defaultDataDir() },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [action, name, ...extra] = positionals;
  if (values.help || action === undefined) {
    console.log(USERS_USAGE);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0) return usageError(`unexpected ${extra.join(' ')}`);
  const needsName = action !== 'list';
  if (needsName) {
    if (!name) return usageError(`${action} needs a user NAME`);
    const ok = UserName.safeParse(name);
    if (!ok.success) return usageError(`${name}: ${ok.error.issues[0]!.message}`);
  }
  const displayName = values['display-name'];
  if (displayName !== undefined && (displayName.trim() === '' || displayName.length > MAX_DISPLAY_NAME_CHARS)) {
    return usageError(`--display-name is a person's name of 1 to ${MAX_DISPLAY_NAME_CHARS} characters`);
  }
  const file = gatewayDataFile(values['data-dir']);
  const accounts = new AccountStore(file);
  const store = new GatewayStore(file);
  const audit = (what: string, detail: unknown) =>
    store.audit({
      sessionId: null,
      actor: `cli:${safeOsUser()}`,
      role: 'admin',
      action: `account ${what}`,
      decision: 'done',
      code: null,
      detail: { user: name, ...(detail as object) },
      userId: name ?? null,
      peer: null,
    });
  try {
    switch (action) {
      case 'list': {
        const rows = accounts.list();
        if (rows.length === 0) console.log('no accounts yet: add one with `larmor gateway users add NAME --roles operator`');
        for (const a of rows)
          console.log(
            `${a.userId}\t${a.displayName}\t${a.roles.join(',')}\t${a.level ?? '-'}\t${a.enabled ? 'enabled' : 'disabled'}${a.totpSecret ? '\ttotp' : ''}`,
          );
        return 0;
      }
      case 'add': {
        if (accounts.get(name!)) return fail(`${name} exists already (use set-roles or set-password)`);
        const roles = parseRoles(values.roles, values.level);
        if (roles instanceof Error) return usageError(roles.message);
        const password = await readPassword();
        if (password instanceof Error) return fail(password.message);
        const totpSecret = values.totp ? newTotpSecret() : null;
        accounts.add({
          userId: name!,
          displayName: values['display-name'] ?? name!,
          roles: roles.roles,
          level: roles.level,
          passwordHash: await hashPassword(password),
          totpSecret,
        });
        audit('add', { roles: roles.roles, level: roles.level, totp: totpSecret !== null });
        console.log(`added ${name} (${roles.roles.join(', ')}${roles.level ? `, ${roles.level}` : ''})`);
        if (totpSecret) console.log(`authenticator app: ${totpUri(totpSecret, name!)}`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!accounts.setEnabled(name!, action === 'enable')) return fail(`no account ${name}`);
        audit(action, {});
        console.log(`${name} ${action}d${action === 'disable' ? ': its next sign-in is refused' : ''}`);
        return 0;
      }
      case 'set-password': {
        if (!accounts.get(name!)) return fail(`no account ${name}`);
        const password = await readPassword();
        if (password instanceof Error) return fail(password.message);
        accounts.setPasswordHash(name!, await hashPassword(password));
        audit('set-password', {});
        console.log(`password of ${name} changed`);
        return 0;
      }
      case 'set-roles': {
        if (!accounts.get(name!)) return fail(`no account ${name}`);
        const roles = parseRoles(values.roles, values.level ?? accounts.get(name!)!.level ?? undefined);
        if (roles instanceof Error) return usageError(roles.message);
        accounts.setRoles(name!, roles.roles, roles.level);
        audit('set-roles', { roles: roles.roles, level: roles.level });
        console.log(`${name}: ${roles.roles.join(', ')}${roles.level ? `, ${roles.level}` : ''}`);
        return 0;
      }
      default:
        return usageError(`unknown users action ${action}`);
    }
  } finally {
    accounts.close();
    store.close();
  }
}

function parseRoles(rolesText: string | undefined, levelText: string | undefined): { roles: RoleName[]; level: Level | null } | Error {
  if (!rolesText) return new Error('--roles is required (operator, onsite, observer, admin)');
  const roles: RoleName[] = [];
  for (const r of rolesText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const role = AccountRole.safeParse(r);
    if (!role.success) return new Error(`unknown role ${r}: use operator, onsite, observer or admin`);
    if (!roles.includes(role.data)) roles.push(role.data);
  }
  if (roles.length === 0) return new Error('--roles names no role');
  let level: Level | null = null;
  if (levelText !== undefined) {
    const parsed = AccountLevel.safeParse(levelText);
    if (!parsed.success) return new Error(`--level ${levelText} must be mr1, mr2 or mrst`);
    level = parsed.data;
  }
  if (roles.includes('onsite') && level === null) return new Error('onsite staff need --level mr1|mr2|mrst (their ACR MR personnel level)');
  return { roles, level: roles.includes('onsite') ? level : null };
}

/** The first line of standard input (piped, or typed at a terminal after a prompt). */
async function readPassword(): Promise<string | Error> {
  if (process.stdin.isTTY) process.stderr.write('Password (input is shown; prefer piping it in): ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  const password = text.split(/\r?\n/)[0]!;
  if (password.length < MIN_PASSWORD) return new Error(`the password must have at least ${MIN_PASSWORD} characters (read from standard input)`);
  return password;
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function fail(message: string): number {
  console.error(`larmor gateway users: ${message}`);
  return 1;
}

function usageError(message: string): number {
  console.error(`larmor gateway users: ${message}\n${USERS_USAGE}`);
  return 2;
}
