import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, type AckMessage, type EventMessage, type WelcomeMessage } from '../../../protocol/index.js';
import { OPEN_EXAM, startTestGateway, useGatewayFixture, type RawClient } from '../../helpers/gateway.js';
import { signedIn } from '../../helpers/accounts.js';
import { onsiteGrants, type OnsiteClient } from '../../helpers/onsite.js';

const f = useGatewayFixture();
/** The onsite technologist of the last `operator()`. */
let onsite: OnsiteClient;

/** An operator who holds control: the onsite technologist checked in and granted it (safety rule 2). */
async function operator(name = 'Test Tech'): Promise<RawClient> {
  const c = await f.client('operator', name);
  onsite = f.closes(await onsiteGrants(f.gateway, name));
  return c;
}

describe('gateway handshake', () => {
  it('welcomes an operator with a snapshot, heartbeat interval and the site policy', async () => {
    await f.start();
    const c = await f.client();
    const welcome = c.messages.find((m) => m.type === 'welcome') as WelcomeMessage;
    expect(welcome.session.role).toBe('operator');
    expect(welcome.snapshot.state).toBe('idle');
    expect(welcome.snapshot.library.map((t) => t.id)).toContain('t2-tse-ax');
    expect(welcome.heartbeat.intervalMs).toBeGreaterThan(0);
    expect(welcome.policy.onOperatorLoss).toMatch(/completes/);
    // Nobody holds control until the onsite technologist grants it.
    expect(welcome.snapshot.control.holderName).toBeNull();
  });

  it('refuses a wrong protocol version with a code and closes', async () => {
    await f.start();
    const c = await f.connect();
    c.sendJson({ type: 'hello', version: PROTOCOL_VERSION + 1, role: 'operator', credentials: { name: 'X' } });
    const refused = await c.next((m) => m.type === 'refused');
    expect(refused).toMatchObject({ code: ErrorCode.VERSION_MISMATCH });
    expect((await c.closed).code).toBe(1008);
  });

  it('refuses a client that speaks another subprotocol version', async () => {
    await f.start();
    const c = await f.connect('larmor.v0');
    expect(await c.next((m) => m.type === 'refused')).toMatchObject({ code: ErrorCode.VERSION_MISMATCH });
  });

  it('refuses a hello without the site token when one is set', async () => {
    const gateway = await f.start({ token: 's3cret' });
    const c = await f.connect();
    c.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: await signedIn(gateway.url, 'X', 'operator', { token: 'guess' }) });
    expect(await c.next((m) => m.type === 'refused')).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
  });

  it('answers commands before hello with an error and keeps the link', async () => {
    await f.start();
    const c = await f.connect();
    c.sendJson({ type: 'command', id: 'abcdefgh1', command: { name: 'scan.stop' } });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.HELLO_REQUIRED });
    c.sendJson({ type: 'ping', t: 1 });
    expect(await c.next((m) => m.type === 'pong')).toMatchObject({ t: 1 });
  });
});

describe('gateway bad input', () => {
  it.each([
    ['malformed JSON', '{"type": "comm', ErrorCode.MALFORMED_JSON],
    ['an unknown message type', '{"type":"reboot"}', ErrorCode.UNKNOWN_MESSAGE_TYPE],
    ['a schema violation', '{"type":"ping","t":"soon"}', ErrorCode.INVALID_MESSAGE],
    [
      'an out-of-range command parameter',
      JSON.stringify({ type: 'command', id: 'abcdefgh2', command: { name: 'sequence.queue', protocolId: 'x', position: -1 } }),
      ErrorCode.INVALID_PARAMETER,
    ],
  ])('answers %s with a stable code, and the link and gateway stay up', async (_name, frame, code) => {
    await f.start();
    const c = await operator();
    const from = c.messages.length;
    c.ws.send(frame);
    expect(await c.next((m) => m.type === 'error', from)).toMatchObject({ code });
    const ack = await c.command('after-bad-1', OPEN_EXAM);
    expect(ack.outcome).toBe('done');
  });

  it('closes only the offending socket (1009) for a frame over the transport limit', async () => {
    await f.start();
    const bystander = await f.client('observer', 'Trainer');
    const c = await operator();
    c.ws.send(Buffer.alloc(17 * 1024 * 1024));
    expect((await c.closed).code).toBe(1009);
    bystander.sendJson({ type: 'ping', t: 5 });
    expect(await bystander.next((m) => m.type === 'pong' && m.t === 5)).toBeTruthy();
  });

  it('leaves the scanner unchanged when a command is refused', async () => {
    const gateway = await f.start();
    const c = await operator();
    await c.command('exam-0001', OPEN_EXAM);
    await c.command('queue-0001', { name: 'sequence.queue', protocolId: 't1-se-ax' });
    const seqId = gateway.snapshot().queue[0]!.id;
    const before = JSON.stringify(gateway.snapshot().queue);
    const ack = await c.command('edit-0001', { name: 'sequence.edit', sequenceId: seqId, changes: { averages: 1, trMs: 20_000 } });
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.INVALID_PARAMETER });
    expect(JSON.stringify(gateway.snapshot().queue)).toBe(before);
  });
});

describe('gateway commands and roles', () => {
  it('runs an exam: open, queue, start, and the sequence completes with events to every client', async () => {
    await f.start({ timeScale: 500 });
    const op = await operator();
    const observer = await f.client('observer', 'Trainer');
    expect((await op.command('c-open-01', OPEN_EXAM)).outcome).toBe('done');
    expect((await onsite.confirmChecklist()).outcome).toBe('done');
    expect((await op.command('c-queue-01', { name: 'sequence.queue', protocolId: 'localizer' })).outcome).toBe('done');
    expect((await op.command('c-start-01', { name: 'scan.start' })).outcome).toBe('done');
    const completed = (m: { type: string }) =>
      m.type === 'event' &&
      (m as EventMessage).body.kind === 'scanner' &&
      ((m as EventMessage).body as { snapshot: { state: string } }).snapshot.state === 'completed';
    await op.next(completed);
    await observer.next(completed);
    const seqs = op.messages.filter((m): m is EventMessage => m.type === 'event').map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('refuses every scanner command from an observer, and audits it', async () => {
    const gateway = await f.start();
    const observer = await f.client('observer', 'Trainer');
    const ack = await observer.command('obs-00001', OPEN_EXAM);
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
    expect(gateway.snapshot().exam).toBeNull();
    expect(gateway.store.auditTrail().some((r) => r.action === 'command exam.open' && r.decision === 'rejected' && r.role === 'observer')).toBe(true);
  });

  it('lets only the control holder command the scanner', async () => {
    await f.start();
    await operator('First');
    const second = await f.client('operator', 'Second');
    const ack = await second.command('second-01', OPEN_EXAM);
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_CONTROL_HOLDER });
    expect(ack.reason).toMatch(/First/);
  });

  it('applies a command resent with the same id once, and answers with the first outcome', async () => {
    const gateway = await f.start();
    const c = await operator();
    await c.command('open-once-1', OPEN_EXAM);
    const first = await c.command('queue-once-1', { name: 'sequence.queue', protocolId: 'localizer' });
    const again = await c.command('queue-once-1', { name: 'sequence.queue', protocolId: 'localizer' });
    expect(again).toEqual(first);
    expect(gateway.snapshot().queue).toHaveLength(1);
  });

  it('remembers command outcomes across a gateway restart', async () => {
    let gateway = await f.start();
    const dataFile = gateway.dataFile;
    const c = await operator();
    const first: AckMessage = await c.command('persist-01', OPEN_EXAM);
    await f.stop();
    gateway = await f.start({ dataFile });
    const again = await (await f.client()).command('persist-01', OPEN_EXAM);
    expect(again).toEqual(first);
    expect(gateway.snapshot().exam).toBeNull();
  });

  it('logs every command and decision in the audit trail', async () => {
    const gateway = await f.start();
    const c = await operator();
    await c.command('audit-0001', OPEN_EXAM);
    await onsite.confirmChecklist();
    await c.command('audit-0002', { name: 'scan.start' });
    const trail = gateway.store.auditTrail();
    expect(trail.map((r) => `${r.action}:${r.decision}:${r.code ?? ''}`)).toEqual(
      expect.arrayContaining(['hello:accepted:', 'command exam.open:done:', `command scan.start:rejected:${ErrorCode.INVALID_STATE}`]),
    );
  });
});

describe('gateway resume', () => {
  it('replays the events after resumeFrom, and sends fresh state when asked for none', async () => {
    const gateway = await f.start();
    const c = await operator();
    await c.command('resume-01', OPEN_EXAM);
    const lastSeen = gateway.events.lastSeq;
    await c.command('resume-02', { name: 'sequence.queue', protocolId: 'localizer' });
    const late = await f.connect();
    late.sendJson({
      type: 'hello',
      version: PROTOCOL_VERSION,
      role: 'observer',
      credentials: await signedIn(gateway.url, 'Late', 'observer'),
      resumeFrom: lastSeen,
    });
    const welcome = await late.next<WelcomeMessage>((m) => m.type === 'welcome');
    expect(welcome.lastSeq).toBe(lastSeen);
    const replayed = await late.next<EventMessage>((m) => m.type === 'event');
    expect(replayed.seq).toBe(lastSeen + 1);
  });
});

describe('gateway security', () => {
  it('will not listen beyond loopback without TLS', async () => {
    await expect(startTestGateway({ host: '0.0.0.0' })).rejects.toMatchObject({ code: 'LARMOR_E_TLS_REQUIRED' });
    await f.start();
  });
});
