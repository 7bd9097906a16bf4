import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, SUBPROTOCOL, type AccountRole } from '../../../protocol/index.js';
import type { Gateway, GatewayOptions } from '../../../gateway/server/gateway.js';
import { hashPassword } from '../../../gateway/accounts/password-hash.js';
import { CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER, SessionCredentials } from '../../../gateway/auth/session-credential.js';
import { OPEN_EXAM, RawClient, startTestGateway } from '../../helpers/gateway.js';
import { TEST_PASSWORD, TEST_SCRYPT, signInAt, signedIn, testCredential } from '../../helpers/accounts.js';
import { OnsiteClient } from '../../helpers/onsite.js';
import { CHECKLIST_ITEMS, type SignInResponse, type WelcomeMessage } from '../../../protocol/index.js';

let gateway: Gateway | undefined;
const clients: { close(): void }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gateway?.close();
  gateway = undefined;
});

async function start(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  gateway = await startTestGateway({ heartbeatIntervalMs: 5_000, ...options });
  return gateway;
}

/** A raw hello with whatever credentials the attacker has; resolves with the first answer. */
async function hello(
  g: Gateway,
  role: string,
  credentials: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<{ client: RawClient; answer: { type: string; code?: string } }> {
  const client = await RawClient.connect(g.url);
  clients.push(client);
  client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role, credentials, ...extra });
  const answer = await client.next((m) => m.type === 'welcome' || m.type === 'refused');
  return { client, answer: answer as { type: string; code?: string } };
}

async function addAccount(g: Gateway, userId: string, displayName: string, roles: AccountRole[]): Promise<void> {
  g.accounts.add({ userId, displayName, roles, level: roles.includes('onsite') ? 'mrst' : null, passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT) });
}

async function credentialOf(g: Gateway, userId: string, role: 'operator' | 'observer' | 'onsite'): Promise<string> {
  const { status, body } = await signInAt(g.url, userId, TEST_PASSWORD, role);
  if (status !== 200) throw new Error(JSON.stringify(body));
  return (body as SignInResponse).credential;
}

function refusals(g: Gateway, code: string) {
  return g.store.auditTrail().filter((r) => r.decision === 'refused' && r.code === code);
}

describe('no account, no role', () => {
  it('refuses a script that says it is onsite without signing in: it cannot check in, grant control or start a scan', async () => {
    const g = await start();
    const operator = await RawClient.greeted(g.url, 'operator', 'Remote Tech');
    clients.push(operator);
    await operator.command('attack-open-1', OPEN_EXAM);
    const { client, answer } = await hello(g, 'onsite', { name: 'Onsite Tech' });
    expect(answer).toMatchObject({ type: 'refused', code: ErrorCode.CREDENTIAL_MISSING });
    expect((await client.closed).code).toBe(1008);
    // What the attacker would have sent next never acts.
    const snapshot = g.snapshot();
    expect(snapshot.onsite?.presence).toBeNull();
    expect(snapshot.control.holderSessionId).toBeNull();
    expect(snapshot.participants.map((p) => p.role)).toEqual(['operator']);
    expect((await operator.command('attack-start-1', { name: 'scan.start' })).outcome).toBe('rejected');
    expect(refusals(g, ErrorCode.CREDENTIAL_MISSING)[0]).toMatchObject({ action: 'hello', peer: '127.0.0.1', detail: { role: 'onsite' } });
  });

  it('refuses a credential signed with another key, one past its expiry, and one for another audience or issuer, each with its own code', async () => {
    const g = await start();
    const keyFile = join(dirname(g.dataFile), 'session-key');
    const key = readFileSync(keyFile);
    const claims = { name: 'Onsite Tech', role: 'onsite', roles: ['onsite'], lvl: 'mrst' };
    const sign = (k: Uint8Array, iss: string, aud: string, exp = '1h') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('onsite.tech')
        .setJti('forged-1')
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(k);
    const forged = await sign(new Uint8Array(32).fill(7), CREDENTIAL_ISSUER, CREDENTIAL_AUDIENCE);
    expect((await hello(g, 'onsite', { session: forged })).answer).toMatchObject({ code: ErrorCode.CREDENTIAL_FORGED });
    expect((await hello(g, 'onsite', { session: await sign(key, CREDENTIAL_ISSUER, 'another-service') })).answer).toMatchObject({
      code: ErrorCode.CREDENTIAL_WRONG_AUDIENCE,
    });
    expect((await hello(g, 'onsite', { session: await sign(key, 'someone-else', CREDENTIAL_AUDIENCE) })).answer).toMatchObject({
      code: ErrorCode.CREDENTIAL_WRONG_ISSUER,
    });
    // Issued by this gateway's own key 13 h ago: past the 12 h lifetime.
    const past = new SessionCredentials(keyFile, { ttlS: 12 * 3600, idleS: 30 * 60 }, () => Date.now() - 13 * 3600_000);
    const expired = (
      await past.issueSession({ userId: 'onsite.tech', displayName: 'Onsite Tech', roles: ['onsite'], level: 'mrst', method: 'password' }, 'onsite')
    ).credential;
    expect((await hello(g, 'onsite', { session: expired })).answer).toMatchObject({ code: ErrorCode.CREDENTIAL_EXPIRED });
    for (const code of [ErrorCode.CREDENTIAL_FORGED, ErrorCode.CREDENTIAL_WRONG_AUDIENCE, ErrorCode.CREDENTIAL_WRONG_ISSUER, ErrorCode.CREDENTIAL_EXPIRED]) {
      expect(refusals(g, code)[0]).toMatchObject({ peer: '127.0.0.1' });
    }
    expect(g.snapshot().participants).toEqual([]);
  });

  it('refuses a credential used for another role than it was issued for', async () => {
    const g = await start();
    const asObserver = await testCredential(g.url, 'Remote Tech', 'observer');
    expect((await hello(g, 'operator', { session: asObserver })).answer).toMatchObject({ code: ErrorCode.ROLE_FORBIDDEN });
  });

  it('takes name and credential level from the account, not from the hello or the check-in', async () => {
    const g = await start();
    g.accounts.add({
      userId: 'level.two',
      displayName: 'Level Two Tech',
      roles: ['onsite'],
      level: 'mr2',
      passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT),
    });
    const { client, answer } = await hello(g, 'onsite', { name: 'Chief Physicist', session: await credentialOf(g, 'level.two', 'onsite') });
    expect(answer).toMatchObject({ type: 'welcome', session: { name: 'Level Two Tech', userId: 'level.two' } });
    client.sendJson({ type: 'onsite', id: 'checkin-level-1', action: { name: 'presence.check-in', credential: 'mr-safety-technologist' } });
    await client.next((m) => m.type === 'ack');
    expect(g.snapshot().onsite?.presence).toMatchObject({ name: 'Level Two Tech', credential: 'level-2-mr-personnel' });
  });
});

describe('where a role may come from', () => {
  it('refuses a WebSocket from a page of another origin at the upgrade, audited with the peer address', async () => {
    const g = await start();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(g.url, SUBPROTOCOL, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    expect(refusals(g, ErrorCode.ORIGIN_FORBIDDEN)[0]).toMatchObject({
      action: 'websocket upgrade',
      peer: '127.0.0.1',
      detail: { origin: 'http://evil.example' },
    });
    const own = new URL(g.onsiteUrl).origin;
    const opened = await new Promise<number>((resolve) => {
      const ws = new WebSocket(g.url, SUBPROTOCOL, { origin: own });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(opened).toBe(101);
  });

  it('admits a configured extra origin', async () => {
    const g = await start({ allowedOrigins: ['https://workstation.hospital.example'] });
    const opened = await new Promise<number>((resolve) => {
      const ws = new WebSocket(g.url, SUBPROTOCOL, { origin: 'https://workstation.hospital.example' });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(opened).toBe(101);
  });

  it('accepts the onsite role only from the scanner site networks (--onsite-from)', async () => {
    const g = await start({ onsiteFrom: ['10.20.0.0/16'] });
    const { answer } = await hello(g, 'onsite', await signedIn(g.url, 'Onsite Tech', 'onsite'));
    expect(answer).toMatchObject({ type: 'refused', code: ErrorCode.ONSITE_NETWORK_FORBIDDEN });
    expect(refusals(g, ErrorCode.ONSITE_NETWORK_FORBIDDEN)[0]).toMatchObject({ peer: '127.0.0.1', userId: 'onsite.tech' });
    // Other roles still connect from anywhere.
    expect((await hello(g, 'operator', await signedIn(g.url, 'Remote Tech', 'operator'))).answer).toMatchObject({ type: 'welcome' });
  });
});

describe('a display name never takes control', () => {
  it('an observer who signs in with an account of the same display name as the control holder does not get control', async () => {
    const g = await start();
    const holder = await RawClient.greeted(g.url, 'operator', 'Remote Tech');
    clients.push(holder);
    const onsite = await OnsiteClient.connect(g, 'Onsite Tech');
    clients.push(onsite);
    await onsite.checkIn();
    await onsite.grantTo(g, 'Remote Tech');
    await holder.command('victim-open', OPEN_EXAM);
    await holder.command('victim-queue', { name: 'sequence.queue', protocolId: 'localizer' });
    await onsite.act({ name: 'checklist.confirm', items: [...CHECKLIST_ITEMS] });
    const watcher = await RawClient.greeted(g.url, 'observer', 'Trainer');
    clients.push(watcher);
    const victimName = g.snapshot().control.holderName!;
    // Mallory's own account, named like the victim.
    await addAccount(g, 'mallory', victimName, ['operator', 'observer']);
    const { client: impostor, answer } = await hello(g, 'operator', { name: victimName, session: await credentialOf(g, 'mallory', 'operator') });
    expect(answer).toMatchObject({ type: 'welcome' });
    const holderId = holder.messages.find((m): m is WelcomeMessage => m.type === 'welcome')!.session.id;
    expect(g.snapshot().control.holderSessionId).toBe(holderId);
    expect(await impostor.command('mallory-start', { name: 'scan.start' })).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_CONTROL_HOLDER });
    expect(g.store.auditTrail().some((r) => r.action === 'command scan.start' && r.code === ErrorCode.NOT_CONTROL_HOLDER && r.userId === 'mallory')).toBe(true);
  });
});

describe('control reclaim after a silent cut', () => {
  async function holderCutSilently(g: Gateway) {
    const holder = await RawClient.greeted(g.url, 'operator', 'Remote Tech');
    const onsite = await OnsiteClient.connect(g, 'Onsite Tech');
    clients.push(onsite);
    await onsite.checkIn();
    await onsite.grantTo(g, 'Remote Tech');
    const secret = holder.resumeSecret!;
    const holderSession = g.snapshot().control.holderSessionId;
    // The old socket stays open, silent: the gateway has not noticed the cut.
    clients.push(holder);
    return { secret, holderSession };
  }

  it('works for the same signed-in user presenting the session secret', async () => {
    const g = await start();
    const { secret, holderSession } = await holderCutSilently(g);
    const back = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    clients.push(back);
    expect(g.snapshot().control.holderSessionId).not.toBe(holderSession);
    expect((await back.command('reclaim-open', OPEN_EXAM)).outcome).toBe('done');
  });

  it('does not work for the same user without the secret, nor for another user holding the stolen secret', async () => {
    const g = await start();
    const { secret, holderSession } = await holderCutSilently(g);
    const sameUserNoSecret = await RawClient.greeted(g.url, 'operator', 'Remote Tech');
    clients.push(sameUserNoSecret);
    expect(g.snapshot().control.holderSessionId).toBe(holderSession);
    const thief = await hello(g, 'operator', await signedIn(g.url, 'Someone Else', 'operator'), { resumeSecret: secret });
    expect(thief.answer).toMatchObject({ type: 'refused', code: ErrorCode.RESUME_REPLAYED });
    expect(g.snapshot().control.holderSessionId).toBe(holderSession);
    expect(refusals(g, ErrorCode.RESUME_REPLAYED)[0]).toMatchObject({ peer: '127.0.0.1', userId: 'someone.else' });
  });

  it('refuses a replayed resume secret while the session that used it is connected and has answered its welcome', async () => {
    const g = await start();
    const { secret } = await holderCutSilently(g);
    const back = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    clients.push(back);
    // Anything sent once greeted proves the welcome arrived: its client holds the session's own secret now.
    back.sendJson({ type: 'ping', t: 1 });
    await back.next((m) => m.type === 'pong');
    const holderNow = g.snapshot().control.holderSessionId;
    const replay = await hello(g, 'operator', await signedIn(g.url, 'Remote Tech', 'operator'), { resumeSecret: secret });
    expect(replay.answer).toMatchObject({ type: 'refused', code: ErrorCode.RESUME_REPLAYED });
    expect(g.snapshot().control.holderSessionId).toBe(holderNow);
  });

  it('takes the secret again, with control, from a session that used it and never answered its welcome (lost on the way), for the same user only', async () => {
    const g = await start();
    const { secret } = await holderCutSilently(g);
    const lostWelcome = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    clients.push(lostWelcome);
    const lostSession = g.snapshot().control.holderSessionId;
    const thief = await hello(g, 'operator', await signedIn(g.url, 'Someone Else', 'operator'), { resumeSecret: secret });
    expect(thief.answer).toMatchObject({ type: 'refused', code: ErrorCode.RESUME_REPLAYED });
    expect(g.snapshot().control.holderSessionId).toBe(lostSession);

    const again = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    clients.push(again);
    expect(g.snapshot().control.holderSessionId).not.toBe(lostSession);
    expect((await again.command('retry-open', OPEN_EXAM)).outcome).toBe('done');
    // The session whose welcome was lost is ended, audited as superseded; the hello, as a secret taken again.
    await expect.poll(() => lostWelcome.ws.readyState).toBe(lostWelcome.ws.CLOSED);
    const trail = g.store.auditTrail();
    expect(trail.some((r) => r.sessionId === lostSession && r.decision === 'terminated')).toBe(true);
    expect(trail.filter((r) => r.action === 'hello' && r.decision === 'accepted').at(-1)?.detail).toMatchObject({ resumeSecret: 'retried' });
  });

  it('gives control back, within the grace period, to the secret the lost session used when it never answered its welcome', async () => {
    const g = await start({ heartbeatIntervalMs: 250, policy: { controlGraceS: 30 } });
    const { secret } = await holderCutSilently(g);
    const lostWelcome = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    // Its client gave up waiting for the welcome and closed the socket: control is reserved for that session.
    lostWelcome.ws.terminate();
    await expect.poll(() => g.snapshot().onsite?.operatorLoss?.name).toBe('Remote Tech');
    const again = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    clients.push(again);
    expect(g.snapshot().control.holderName).toBe('Remote Tech');
    expect((await again.command('grace-retry-open', OPEN_EXAM)).outcome).toBe('done');
  });

  it('within the grace period after a lost link, gives control back only to the same user with the secret', async () => {
    const g = await start({ heartbeatIntervalMs: 250, policy: { controlGraceS: 30 } });
    const { secret } = await holderCutSilently(g);
    const holder = clients.find((c) => c instanceof RawClient && c.resumeSecret === secret) as RawClient;
    holder.ws.terminate();
    await expect.poll(() => g.snapshot().onsite?.operatorLoss?.name).toBe('Remote Tech');
    await addAccount(g, 'mallory', 'Remote Tech', ['operator']);
    const impostor = await hello(g, 'operator', { session: await credentialOf(g, 'mallory', 'operator') });
    expect(impostor.answer).toMatchObject({ type: 'welcome' });
    expect(g.snapshot().control.holderSessionId).toBeNull();
    const back = await RawClient.greeted(g.url, 'operator', 'Remote Tech', { resumeSecret: secret });
    clients.push(back);
    expect(g.snapshot().control.holderName).toBe('Remote Tech');
    expect((await back.command('grace-open', OPEN_EXAM)).outcome).toBe('done');
  });
});
