import type { Gateway } from '../../gateway/server/gateway.js';
import { hashPassword, type ScryptParams } from '../../gateway/accounts/password-hash.js';
import { signInUrlFor, type AccountLevel, type AccountRole, type Role, type SignInRefusal, type SignInResponse } from '../../protocol/index.js';

/** Every test account's password (test gateways only). */
export const TEST_PASSWORD = 'correct horse battery staple';

/** The account name of a test person: 'Remote Tech' signs in as remote.tech. */
export function testUserId(displayName: string): string {
  return (
    displayName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '') || 'user'
  );
}

/** Sign-in fields of a test person for the workstation's connect request. */
export function testLogin(displayName: string): { user: string; password: string } {
  return { user: testUserId(displayName), password: TEST_PASSWORD };
}

/** Gateways started by startTestGateway, by URL, so helpers given only a URL can add accounts. */
const gatewaysByUrl = new Map<string, Gateway>();

export function registerTestGateway(gateway: Gateway): void {
  gatewaysByUrl.set(gateway.url, gateway);
}

function testGatewayAt(url: string): Gateway | undefined {
  return gatewaysByUrl.get(url);
}

/**
 * A cheap scrypt cost for test gateways: sign-in is on the path of nearly every test, and the
 * production cost (gateway/accounts/password-hash.ts) is deliberately slow.
 */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

let testHash: Promise<string> | null = null;

/**
 * The account of a test person on `gateway`, created when missing: operator, onsite and observer
 * (onsite as MR Safety Technologist) unless told otherwise. One scrypt hash serves every account.
 */
export async function ensureTestAccount(
  gateway: Gateway,
  displayName: string,
  roles: AccountRole[] = ['operator', 'onsite', 'observer'],
  level: AccountLevel | null = 'mrst',
): Promise<string> {
  const userId = testUserId(displayName);
  if (gateway.accounts.get(userId)) return userId;
  testHash ??= hashPassword(TEST_PASSWORD, TEST_SCRYPT);
  const passwordHash = await testHash;
  if (!gateway.accounts.get(userId)) gateway.accounts.add({ userId, displayName, roles, level: roles.includes('onsite') ? level : null, passwordHash });
  return userId;
}

/** Names the existing tests connect with: created with every test gateway. */
const COMMON_TEST_PEOPLE = ['Test Tech', 'Remote Tech', 'Onsite Tech', 'Tech', 'Trainer', 'X', 'Crash Tech', 'Someone Else', 'Observer', 'Operator'];

export async function addCommonTestAccounts(gateway: Gateway): Promise<void> {
  for (const name of COMMON_TEST_PEOPLE) await ensureTestAccount(gateway, name);
}

/** POST /auth/sign-in over real HTTP; the refusal is returned, not thrown. */
export async function signInAt(
  linkUrl: string,
  user: string,
  password: string,
  role: Role,
  totp?: string,
): Promise<{ status: number; body: SignInResponse | SignInRefusal }> {
  const response = await fetch(signInUrlFor(linkUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password, role, ...(totp ? { totp } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as SignInResponse | SignInRefusal };
}

/** A session credential for a test person in `role` (the account is created when the gateway is a test gateway). */
export async function testCredential(linkUrl: string, displayName: string, role: Role): Promise<string> {
  const gateway = testGatewayAt(linkUrl);
  if (gateway) await ensureTestAccount(gateway, displayName);
  const { status, body } = await signInAt(linkUrl, testUserId(displayName), TEST_PASSWORD, role);
  if (status !== 200) throw new Error(`test sign-in of ${displayName} as ${role} refused: ${JSON.stringify(body)}`);
  return (body as SignInResponse).credential;
}

/** The `credentials` of a hand-written hello: a test person's session credential in `role`. */
export async function signedIn(linkUrl: string, displayName: string, role: Role, extra: { token?: string } = {}): Promise<{ session: string; token?: string }> {
  return { session: await testCredential(linkUrl, displayName, role), ...extra };
}
