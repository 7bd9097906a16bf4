import type { Role } from '../../../protocol/messages.js';

/** Roles this window can take. Onsite staff use the onsite console served by the gateway. */
export type WorkstationRole = Extract<Role, 'operator' | 'observer'>;

export interface ConnectDefaults {
  url: string;
  role: WorkstationRole;
  /** The account name to sign in with (never the password: that is typed every time). */
  name: string;
}

export const CONNECT_STORAGE_KEY = 'larmor.connect.last';

/** The part of Web Storage we use, so tests can pass a plain object. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Initial values of the connect form: the gateway URL the shell passes in `?gateway=` wins
 * (it knows where the gateway is), then what this user typed last time, then empty. A
 * `?role=observer` (an observer invitation, see observerInvitation) preselects the role.
 */
export function loadConnectDefaults(search: string, storage: KeyValueStore | null): ConnectDefaults {
  const remembered = readRemembered(storage);
  const params = new URLSearchParams(search);
  const fromShell = params.get('gateway');
  // `npm start` passes the demo operator's account name in ?user=, to save typing it.
  const userFromShell = params.get('user');
  return {
    url: fromShell && fromShell.trim() !== '' ? fromShell.trim() : (remembered.url ?? ''),
    role: roleParam(search) ?? remembered.role ?? 'operator',
    name: userFromShell && userFromShell.trim() !== '' ? userFromShell.trim() : (remembered.name ?? ''),
  };
}

export function rememberConnectValues(storage: KeyValueStore | null, values: ConnectDefaults): void {
  try {
    storage?.setItem(CONNECT_STORAGE_KEY, JSON.stringify(values));
  } catch {
    // Storage full or disabled: remembering is a convenience, never a reason to fail a connect.
  }
}

function readRemembered(storage: KeyValueStore | null): Partial<ConnectDefaults> {
  try {
    const raw = storage?.getItem(CONNECT_STORAGE_KEY);
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    return {
      url: typeof record.url === 'string' ? record.url : undefined,
      role: record.role === 'operator' || record.role === 'observer' ? record.role : undefined,
      name: typeof record.name === 'string' ? record.name : undefined,
    };
  } catch {
    return {};
  }
}

function roleParam(search: string): WorkstationRole | undefined {
  const role = new URLSearchParams(search).get('role');
  return role === 'observer' || role === 'operator' ? role : undefined;
}

/**
 * What a technologist sends a trainer so they can watch this session from their own workstation:
 * the gateway address, the observer role, and the query that fills in a workstation's connect form.
 */
export function observerInvitation(gatewayUrl: string): { query: string; text: string } {
  const query = `?gateway=${encodeURIComponent(gatewayUrl)}&role=observer`;
  return {
    query,
    text:
      `Join the MR session as an observer from your own Larmor workstation: connect to ${gatewayUrl} with the role "Observer" ` +
      `(or open your workstation's address followed by ${query}). You will see and hear everything; scanner commands stay with the operator.`,
  };
}
