import { describe, expect, it } from 'vitest';
import { generateSync } from 'otplib';
import { ErrorCode, MAX_DISPLAY_NAME_CHARS, type SignInRefusal, type SignInResponse } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { hashPassword } from '../../../gateway/accounts/password-hash.js';
import { newTotpSecret } from '../../../gateway/accounts/totp.js';
import { useGatewayFixture, type startTestGateway } from '../../helpers/gateway.js';
import { TEST_PASSWORD, TEST_SCRYPT, ensureTestAccount, signInAt, testCredential } from '../../helpers/accounts.js';

const f = useGatewayFixture();

async function withAccount(
  options: Parameters<typeof startTestGateway>[0] = {},
  account: {
    roles?: ('operator' | 'onsite' | 'observer' | 'admin')[];
    level?: 'mr1' | 'mr2' | 'mrst' | null;
    enabled?: boolean;
    totpSecret?: string | null;
  } = {},
) {
  const gateway = await f.start(options);
  gateway.accounts.add({
    userId: 'jane.doe',
    displayName: 'Jane Doe',
    roles: account.roles ?? ['operator'],
    level: account.level ?? null,
    enabled: account.enabled,
    totpSecret: account.totpSecret ?? null,
    passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT),
  });
  return gateway;
}

function lastSignIn(g: Gateway) {
  return g.store
    .auditTrail()
    .filter((r) => r.action === 'sign-in')
    .at(-1)!;
}

describe('POST /auth/sign-in', () => {
  it('answers a session credential with the account, its role and expiry, and audits the peer address', async () => {
    const g = await withAccount({}, { roles: ['operator', 'observer'] });
    const { status, body } = await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'observer');
    expect(status).toBe(200);
    expect(body).toMatchObject({ user: { id: 'jane.doe', displayName: 'Jane Doe', roles: ['operator', 'observer'], level: null }, role: 'observer' });
    expect(Date.parse((body as SignInResponse).expiresAt)).toBeGreaterThan(Date.now());
    expect(lastSignIn(g)).toMatchObject({ actor: 'jane.doe', decision: 'accepted', peer: '127.0.0.1' });
  });

  it('tells the client one code for a wrong password and an unknown user, while the audit keeps which', async () => {
    const g = await withAccount();
    const wrong = await signInAt(g.url, 'jane.doe', 'not the password', 'operator');
    expect(wrong).toMatchObject({ status: 401, body: { code: ErrorCode.SIGN_IN_FAILED } });
    expect(lastSignIn(g)).toMatchObject({ decision: 'refused', code: ErrorCode.WRONG_PASSWORD, peer: '127.0.0.1' });
    const unknown = await signInAt(g.url, 'nobody', TEST_PASSWORD, 'operator');
    expect(unknown).toMatchObject({ status: 401, body: { code: ErrorCode.SIGN_IN_FAILED } });
    expect(lastSignIn(g)).toMatchObject({ decision: 'refused', code: ErrorCode.UNKNOWN_USER });
  });

  it('refuses a disabled account and a role the account does not have', async () => {
    const g = await withAccount({}, { enabled: false });
    expect(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator')).toMatchObject({ status: 403, body: { code: ErrorCode.ACCOUNT_DISABLED } });
    g.accounts.setEnabled('jane.doe', true);
    expect(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'onsite')).toMatchObject({ status: 403, body: { code: ErrorCode.ROLE_FORBIDDEN } });
    expect(lastSignIn(g)).toMatchObject({ code: ErrorCode.ROLE_FORBIDDEN });
  });

  it('backs off after repeated failures: even the right password waits, and says how long', async () => {
    const g = await withAccount();
    for (let i = 0; i < 6; i++) await signInAt(g.url, 'jane.doe', 'guess', 'operator');
    const { status, body } = await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator');
    expect(status).toBe(429);
    expect(body).toMatchObject({ code: ErrorCode.SIGN_IN_THROTTLED });
    expect((body as SignInRefusal).retryAfterS).toBeGreaterThan(0);
  });

  it('checks no more tries at once than the free ones, so a burst of guesses is held back, and audits what it held back as one row', async () => {
    // A window far longer than forty tries at once take to arrive, even on a loaded machine: the
    // rows then count the folding, not the machine's speed (with 200 ms, a slow run gave four).
    const g = await withAccount({ linkLimits: { refusalAuditWindowMs: 5000 } });
    const answers = await Promise.all(Array.from({ length: 40 }, () => signInAt(g.url, 'jane.doe', 'guess', 'operator')));
    const checked = g.store.auditTrail().filter((r) => r.action === 'sign-in' && r.code === ErrorCode.WRONG_PASSWORD);
    // ACCOUNT_THROTTLE: 5 free failures, and the try after them, whose failure starts the wait;
    // every other try was answered 429 without a password check.
    expect(checked.length).toBeLessThanOrEqual(6);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(40 - checked.length);
    const heldBack = () => g.store.auditTrail().filter((r) => r.action === 'sign-in' && r.code === ErrorCode.SIGN_IN_THROTTLED);
    // Written when the window ends (a bound on waiting, not on speed).
    await expect.poll(() => heldBack().reduce((n, r) => n + (r.detail as { count: number }).count, 0), { timeout: 30_000 }).toBe(40 - checked.length);
    expect(heldBack().length).toBeLessThanOrEqual(3); // the first at once, the rest folded by window
  });

  it('holds a correct password sent in a loop to the rate of sign-ins per account, says how long to wait, and leaves other accounts be', async () => {
    const g = await withAccount({ linkLimits: { signInsPerSecond: 0.01, signInBurst: 3, refusalAuditWindowMs: 600_000 } });
    await ensureTestAccount(g, 'Remote Tech');
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    expect(answers[3]!.body).toMatchObject({ code: ErrorCode.SIGN_IN_THROTTLED, retryAfterS: 100 });
    const signIns = g.store.auditTrail().filter((r) => r.action === 'sign-in');
    // Three accepted, and the first refusal at once; the other six are folded into its window.
    expect(signIns.map((r) => r.decision)).toEqual(['accepted', 'accepted', 'accepted', 'refused']);
    expect(signIns[3]).toMatchObject({ code: ErrorCode.SIGN_IN_THROTTLED });
    expect(await signInAt(g.url, 'remote.tech', TEST_PASSWORD, 'operator')).toMatchObject({ status: 200 });
  });

  it('signs in a class of twenty at once from one address (a site behind one NAT address): the tries beyond those checked at once wait their turn', async () => {
    const gateway = await f.start();
    const names = Array.from({ length: 20 }, (_, i) => `Trainee ${i + 1}`);
    const credentials = await Promise.all(names.map((name) => testCredential(gateway.url, name, 'observer')));
    expect(credentials.every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
  });

  it('asks for an authenticator code where site policy wants one, and checks it', async () => {
    const secret = newTotpSecret();
    const g = await withAccount({ totpRoles: ['operator'] }, { totpSecret: secret });
    expect(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator')).toMatchObject({ status: 401, body: { code: ErrorCode.TOTP_REQUIRED } });
    const code = generateSync({ secret });
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator', wrongCode)).toMatchObject({ status: 401, body: { code: ErrorCode.TOTP_WRONG } });
    expect(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator', code)).toMatchObject({ status: 200 });
  });

  it('refuses a role that needs an authenticator code when the account has none set up', async () => {
    const g = await withAccount({ totpRoles: ['operator'] });
    expect(await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator')).toMatchObject({ status: 403, body: { code: ErrorCode.TOTP_REQUIRED } });
  });

  it('upgrades a hash made with older cost parameters at the next sign-in', async () => {
    const g = await withAccount({ scrypt: { N: 2 ** 11, r: 8, p: 1 } });
    expect(g.accounts.get('jane.doe')!.passwordHash).toMatch(/^scrypt\$1024\$/);
    expect((await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator')).status).toBe(200);
    expect(g.accounts.get('jane.doe')!.passwordHash).toMatch(/^scrypt\$2048\$/);
    expect((await signInAt(g.url, 'jane.doe', TEST_PASSWORD, 'operator')).status).toBe(200);
  });

  it('gives an account stored before display names had a limit its first 64 characters and an ellipsis', async () => {
    const g = await f.start();
    const name = `Jane ${'Doe-'.repeat(30)}`;
    g.accounts.add({
      userId: 'jane.long',
      displayName: name,
      roles: ['operator'],
      level: null,
      totpSecret: null,
      passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT),
    });
    const { status, body } = await signInAt(g.url, 'jane.long', TEST_PASSWORD, 'operator');
    expect(status).toBe(200);
    expect((body as SignInResponse).user.displayName).toBe(`${name.slice(0, MAX_DISPLAY_NAME_CHARS)}…`);
  });

  it('refuses a body that is not a sign-in request with a code', async () => {
    const g = await withAccount();
    const res = await fetch(g.url.replace(/^ws/, 'http') + 'auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":1}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    const form = await fetch(g.url.replace(/^ws/, 'http') + 'auth/sign-in', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'user=jane' });
    expect(form.status).toBe(415);
  });
});
