import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, type EventMessage, type GatewayMessage } from '../../../protocol/index.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { seededRandom } from '../../../base/common/random.js';
import { RawClient, useGatewayFixture } from '../../helpers/gateway.js';
import { ensureTestAccount, testCredential, testLogin } from '../../helpers/accounts.js';

const f = useGatewayFixture();

/** Raw clients send no heartbeat: a long interval keeps them from being dropped as silent while a loaded machine opens twenty. */
const QUIET = { heartbeatIntervalMs: 60_000 };

function events(client: RawClient, from = 0): EventMessage['body'][] {
  return client.messages
    .slice(from)
    .filter((m): m is EventMessage => m.type === 'event')
    .map((m) => m.body);
}

describe('who is connected', () => {
  it('tells everyone of an arrival or a departure as that one participant, not a whole snapshot', async () => {
    await f.start(QUIET);
    const first = await f.client('observer', 'Observer One');
    const from = first.messages.length;
    const arrivals: RawClient[] = [];
    for (let i = 0; i < 20; i++) arrivals.push(await f.client('observer', `Observer ${i + 2}`));
    const left = f.gateway.snapshot().participants.find((p) => p.name === 'Observer 2')!;
    arrivals[0]!.close();
    await first.next((m) => m.type === 'event' && m.body.kind === 'participant.left', from);
    const bodies = events(first, from);
    expect(bodies.filter((b) => b.kind === 'scanner')).toEqual([]);
    expect(bodies.filter((b) => b.kind === 'participant.joined').map((b) => b.kind === 'participant.joined' && b.participant.name)).toEqual(
      arrivals.map((_, i) => `Observer ${i + 2}`),
    );
    expect(bodies.filter((b) => b.kind === 'participant.left')).toEqual([{ kind: 'participant.left', sessionId: left.sessionId }]);
  });

  it('sends a whole snapshot when control moves with the arrival, or leaves with the holder', async () => {
    await f.start({ ...QUIET, autoGrantControl: true });
    const observer = await f.client('observer', 'Observer One');
    const from = observer.messages.length;
    const operator = await f.client('operator', 'Remote Tech');
    const moved = await observer.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'scanner', from);
    expect(moved.body.kind === 'scanner' && moved.body.snapshot.control.holderName).toBe('Remote Tech');
    const before = observer.messages.length;
    operator.close();
    const lost = await observer.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'scanner', before);
    expect(lost.body.kind === 'scanner' && lost.body.snapshot.control.holderSessionId).toBeNull();
  });

  it('keeps a workstation’s list of participants in step with the gateway’s', async () => {
    await ensureTestAccount(await f.start(), 'Observer One');
    const core = f.closes(new WorkstationCore({ random: seededRandom(7) }), (c) => c.disconnect());
    await core.connect({ url: f.gateway.url, role: 'observer', ...testLogin('Observer One') });
    const names = () => core.view().snapshot?.participants.map((p) => p.name);
    const second = await f.client('observer', 'Observer Two');
    await expect.poll(names).toEqual(['Observer One', 'Observer Two']);
    second.close();
    await expect.poll(names).toEqual(['Observer One']);
    expect(names()).toEqual(f.gateway.snapshot().participants.map((p) => p.name));
  });
});

describe('sessions of one account', () => {
  /** A hello with this session credential on a connection of its own; the gateway's answer. */
  async function hello(credential: string): Promise<GatewayMessage> {
    const client = f.closes(await RawClient.connect(f.gateway.url));
    client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: { session: credential } });
    return client.next((m) => m.type === 'welcome' || m.type === 'refused');
  }

  it('holds at most sessionsPerAccount; a session that ends makes room, and other accounts are not held back', async () => {
    await f.start({ ...QUIET, linkLimits: { sessionsPerAccount: 2 } });
    const credential = await testCredential(f.gateway.url, 'Observer One', 'observer');
    expect(await hello(credential)).toMatchObject({ type: 'welcome' });
    const second = f.closes(await RawClient.connect(f.gateway.url));
    second.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: { session: credential } });
    await second.next((m) => m.type === 'welcome');
    expect(await hello(credential)).toMatchObject({ type: 'refused', code: ErrorCode.TOO_MANY_SESSIONS });
    await f.client('observer', 'Observer Two');
    second.close();
    await expect.poll(() => f.gateway.snapshot().participants.filter((p) => p.name === 'Observer One').length).toBe(1);
    expect(await hello(credential)).toMatchObject({ type: 'welcome' });
  });

  it('holds an account saying hello in a loop to its session starts: refused past its burst, folded, announced to no one', async () => {
    // A rate that refills nothing within the test: the burst is all the account has.
    await f.start({ ...QUIET, linkLimits: { sessionStartsPerSecond: 0.0001, sessionStartBurst: 3, refusalAuditWindowMs: 600_000 } });
    const bystander = await f.client('operator', 'Bystander');
    const from = bystander.messages.length;
    const credential = await testCredential(f.gateway.url, 'Observer One', 'observer');
    const answers: GatewayMessage[] = [];
    for (let i = 0; i < 20; i++) {
      const client = f.closes(await RawClient.connect(f.gateway.url));
      client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: { session: credential } });
      answers.push(await client.next((m) => m.type === 'welcome' || m.type === 'refused'));
      client.close();
    }
    expect(answers.map((a) => (a.type === 'refused' ? a.code : a.type))).toEqual([...Array(3).fill('welcome'), ...Array(17).fill(ErrorCode.RATE_LIMITED)]);
    await expect.poll(() => events(bystander, from).filter((b) => b.kind === 'participant.left').length).toBe(3);
    expect(events(bystander, from).filter((b) => b.kind === 'participant.joined')).toHaveLength(3);
    expect(f.gateway.store.auditTrail().filter((r) => r.code === ErrorCode.RATE_LIMITED)).toEqual([
      expect.objectContaining({ action: 'hello', decision: 'refused', detail: expect.objectContaining({ user: 'observer.one', count: 1 }) }),
    ]);
    // Another account is not held back.
    expect((await f.client('observer', 'Observer Two')).messages.some((m) => m.type === 'welcome')).toBe(true);
  });

  it('writes the refusals of a hello loop at the cap as one row with a count, not a row each', async () => {
    await f.start({ ...QUIET, linkLimits: { sessionsPerAccount: 1, refusalAuditWindowMs: 600_000 } });
    const credential = await testCredential(f.gateway.url, 'Observer One', 'observer');
    expect(await hello(credential)).toMatchObject({ type: 'welcome' });
    for (let i = 0; i < 25; i++) expect(await hello(credential)).toMatchObject({ type: 'refused', code: ErrorCode.TOO_MANY_SESSIONS });
    // The first written at once, in full; the other 24 folded into its count at the window's end.
    expect(f.gateway.store.auditTrail().filter((r) => r.code === ErrorCode.TOO_MANY_SESSIONS)).toEqual([
      expect.objectContaining({ action: 'hello', decision: 'refused', peer: '127.0.0.1', detail: expect.objectContaining({ user: 'observer.one', count: 1 }) }),
    ]);
  });
});
