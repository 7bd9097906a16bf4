import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MAX_MARKS_PER_EXAM,
  MAX_MARKS_PER_IMAGE,
  MAX_PENDING_PROPOSALS_PER_PERSON,
  decodeImageFrame,
  type CollabAction,
  type CollabStateMessage,
  type EventMessage,
  type GatewayMessage,
  type Mark,
} from '../../../protocol/index.js';
import { OPEN_EXAM, type RawClient } from '../../helpers/gateway.js';
import { safetyFixture } from '../safety/support.js';

const f = safetyFixture();

function collabEvent(kind: string, match: (body: Record<string, unknown>) => boolean = () => true) {
  return (m: GatewayMessage): boolean => m.type === 'event' && m.body.kind === kind && match(m.body as unknown as Record<string, unknown>);
}

/** Runs the queued localizer until its first image arrives at `client`; returns that image's SOP Instance UID. */
async function firstImageUid(operator: RawClient, client: RawClient): Promise<string> {
  // Both ping from now on, as workstations do: the first image comes from the slice render
  // worker, whose start on a loaded machine can take longer than a silent client is kept.
  for (const c of [operator, client]) {
    const heartbeat = setInterval(() => c.ws.readyState === c.ws.OPEN && c.sendJson({ type: 'ping', t: Date.now() }), 100);
    c.ws.on('close', () => clearInterval(heartbeat));
  }
  expect((await operator.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
  await expect.poll(() => client.images.length).toBeGreaterThan(0);
  return decodeImageFrame(client.images[0]!).header.sopInstanceUid;
}

describe('collaboration: chat', () => {
  it('delivers a message from the operator to onsite and observers, and keeps it for whoever joins later', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainee');
    expect(await operator.collab({ name: 'chat.send', text: 'Please check the coil cable' })).toMatchObject({ outcome: 'done' });
    const atOnsite = await onsite.raw.next<EventMessage>(collabEvent('chat'));
    expect(atOnsite.body).toMatchObject({ entry: { from: { name: 'Remote Tech', role: 'operator' }, text: 'Please check the coil cable' } });
    await observer.next(collabEvent('chat'));

    const late = await f.client('observer', 'Late Trainee');
    const state = await late.next<CollabStateMessage>((m) => m.type === 'collab.state');
    expect(state.state.chat.map((c) => c.text)).toEqual(['Please check the coil cable']);
  });

  it('refuses chat from an observer (receive-only) and audits the refusal', async () => {
    await f.start();
    const observer = await f.client('observer', 'Trainee');
    expect(await observer.collab({ name: 'chat.send', text: 'hello' })).toMatchObject({ outcome: 'rejected', code: ErrorCode.OBSERVER_RECEIVE_ONLY });
    expect(
      f.gateway.store.auditTrail().some((r) => r.action === 'collab chat.send' && r.decision === 'rejected' && r.code === ErrorCode.OBSERVER_RECEIVE_ONLY),
    ).toBe(true);
  });

  it('audits an observer that keeps sending refused actions as the first refusal in full and one row with a count, not a row each', async () => {
    // A window far longer than fifty answered tries take, even on a loaded machine: the rows count the folding, not its speed.
    await f.start({ linkLimits: { refusalAuditWindowMs: 5000 } });
    const observer = await f.client('observer', 'Trainee');
    for (let i = 0; i < 50; i++) await observer.collab({ name: 'chat.send', text: `line ${i}` });
    const rows = () => f.gateway.store.auditTrail().filter((r) => r.action === 'collab chat.send');
    // Written when the window ends (a bound on waiting, not on speed).
    await expect.poll(() => rows().reduce((n, r) => n + (r.detail as { count: number }).count, 0), { timeout: 30_000 }).toBe(50);
    expect(rows().length).toBeLessThanOrEqual(3);
    expect(rows()[0]).toMatchObject({
      decision: 'rejected',
      code: ErrorCode.OBSERVER_RECEIVE_ONLY,
      actor: 'Trainee',
      detail: expect.objectContaining({ action: { name: 'chat.send', chars: 6 }, count: 1 }), // what was said is not audited, its length is
    });
  });

  it('keeps chat across a gateway restart on the same data file', async () => {
    const gateway = await f.start();
    const { operator } = await f.readyToScan();
    await operator.collab({ name: 'chat.send', text: 'Patient moved at slice 12' });
    const studyUid = gateway.snapshot().exam!.studyUid;
    expect(gateway.store.collaboration.chatOf(studyUid).map((c) => c.text)).toEqual(['Patient moved at slice 12']);
  });
});

describe('collaboration: marks on images', () => {
  it('shows a mark drawn on a live image to onsite and observers, anchored to image coordinates to a tenth of a pixel', async () => {
    await f.start({ timeScale: 50 });
    const { operator, onsite } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainee');
    const uid = await firstImageUid(operator, observer);
    const ack = await operator.collab({
      name: 'mark.add',
      sopInstanceUid: uid,
      shape: 'arrow',
      points: [
        [10, 20],
        [64.53125000000001, 80.25],
      ],
    });
    expect(ack).toMatchObject({ outcome: 'done' });
    // Only the new mark goes out, not the image's whole set again.
    const seen = await observer.next<EventMessage>(collabEvent('mark', (b) => (b.mark as Mark).sopInstanceUid === uid));
    expect(seen.body).toMatchObject({
      mark: {
        shape: 'arrow',
        points: [
          [10, 20],
          [64.5, 80.3],
        ],
        by: { name: 'Remote Tech' },
      },
    });
    await onsite.raw.next(collabEvent('mark', (b) => (b.mark as Mark).sopInstanceUid === uid));

    expect(await onsite.raw.collab({ name: 'mark.clear', sopInstanceUid: uid })).toMatchObject({ outcome: 'done' });
    await observer.next(collabEvent('marks', (b) => b.sopInstanceUid === uid && (b.marks as unknown[]).length === 0));
  });

  it('sends each client only the mark added, so what an image holds is sent once, not again at every addition', async () => {
    await f.start({ linkLimits: { sharedActionsPerSecond: 1e6, sharedActionBurst: 1e6 } });
    const { operator } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainee');
    const uid = '2.25.7799';
    f.gateway.publishImage(
      { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: uid, seriesUid: '2.25.77', imagesInSeries: null },
      new Uint8Array(16),
    );
    // The longest mark a pointer makes: 512 points of fifteen digits.
    const points = Array.from({ length: 512 }, (_, i): [number, number] => [i + 0.123456789012345, -65000.98765432101]);
    for (let i = 0; i < MAX_MARKS_PER_IMAGE; i++) {
      expect((await operator.collab({ name: 'mark.add', sopInstanceUid: uid, shape: 'freehand', points })).outcome).toBe('done');
    }
    const markEvents = () => observer.messages.filter((m) => m.type === 'event' && (m.body.kind === 'mark' || m.body.kind === 'marks'));
    await observer.next((m) => m.type === 'event' && m.body.kind === 'mark' && markEvents().length >= MAX_MARKS_PER_IMAGE);
    expect(markEvents()).toHaveLength(MAX_MARKS_PER_IMAGE);
    const bytes = markEvents().reduce((n, m) => n + JSON.stringify(m).length, 0);
    // Each mark once, at about 10 KB with its points to a tenth of a pixel (before: the whole
    // set at each addition, 1,275 marks' worth of some 20 KB each, 25 MB).
    expect(bytes).toBeLessThan(MAX_MARKS_PER_IMAGE * 11_000);
  });

  it('holds a person to a few shared actions a second, and never the acknowledgement of an alarm they have not acknowledged', async () => {
    await f.start({ linkLimits: { sharedActionsPerSecond: 0.001, sharedActionBurst: 3 } });
    const { operator } = await f.readyToScan();
    f.gateway.notice('alarm', 'HELP CALLED by Onsite Tech (onsite)', { kind: 'help-call', detail: 'by Onsite Tech (onsite)', by: 'Onsite Tech' });
    const call = await operator.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.alarm?.kind === 'help-call');
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await operator.collab({ name: 'chat.send', text: `line ${i}` }));
    expect(outcomes.map((o) => o.code)).toEqual([null, null, null, ErrorCode.RATE_LIMITED, ErrorCode.RATE_LIMITED]);
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: call.seq })).toMatchObject({ outcome: 'done' });
    // Acknowledged again, or an event that raised no alarm: each an audit row, held to the rate.
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: call.seq })).toMatchObject({ code: ErrorCode.RATE_LIMITED });
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: 1 })).toMatchObject({ code: ErrorCode.RATE_LIMITED });
  });

  it('holds at most MAX_MARKS_PER_EXAM marks in an exam, every image together, so a joiner can always be sent them', async () => {
    await f.start({ linkLimits: { sharedActionsPerSecond: 1e6, sharedActionBurst: 1e6 } });
    const { operator } = await f.readyToScan();
    const images = MAX_MARKS_PER_EXAM / MAX_MARKS_PER_IMAGE + 1;
    const uid = (n: number) => `2.25.7700${n}`;
    for (let n = 1; n <= images; n++) {
      f.gateway.publishImage(
        { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: uid(n), seriesUid: '2.25.77', imagesInSeries: null },
        new Uint8Array(16),
      );
    }
    const mark = (n: number): CollabAction => ({
      name: 'mark.add',
      sopInstanceUid: uid(n),
      shape: 'arrow',
      points: [
        [1, 1],
        [2, 2],
      ],
    });
    for (let i = 0; i < MAX_MARKS_PER_EXAM; i++) expect((await operator.collab(mark(1 + Math.floor(i / MAX_MARKS_PER_IMAGE)))).outcome).toBe('done');
    // Every image but the last holds its 50: the last may take more by its own limit, not by the exam's.
    const beyond = await operator.collab(mark(images));
    expect(beyond).toMatchObject({ outcome: 'rejected', code: ErrorCode.MARK_LIMIT });
    expect(beyond.reason).toMatch(/an exam holds at most 1000 marks/);
    expect(await operator.collab({ name: 'mark.clear', sopInstanceUid: uid(1) })).toMatchObject({ outcome: 'done' });
    expect(await operator.collab(mark(images))).toMatchObject({ outcome: 'done' });
    // The next exam starts with none of this one's 951 marks counted: it takes its own 1,000.
    expect(await operator.command(f.id('close'), { name: 'exam.close' })).toMatchObject({ outcome: 'done' });
    expect(await operator.command(f.id('open'), OPEN_EXAM)).toMatchObject({ outcome: 'done' });
    for (let i = 0; i < MAX_MARKS_PER_EXAM; i++) expect((await operator.collab(mark(1 + Math.floor(i / MAX_MARKS_PER_IMAGE)))).outcome).toBe('done');
  });

  it('refuses a mark for an image the gateway never sent, and any mark from an observer', async () => {
    await f.start();
    const { operator } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainee');
    expect(
      await operator.collab({
        name: 'mark.add',
        sopInstanceUid: '1.2.3.4.5',
        shape: 'circle',
        points: [
          [1, 1],
          [5, 5],
        ],
      }),
    ).toMatchObject({ code: ErrorCode.MARK_UNKNOWN_IMAGE });
    expect(
      await observer.collab({
        name: 'mark.add',
        sopInstanceUid: '1.2.3.4.5',
        shape: 'circle',
        points: [
          [1, 1],
          [5, 5],
        ],
      }),
    ).toMatchObject({ code: ErrorCode.OBSERVER_RECEIVE_ONLY });
  });

  it('refuses a malformed mark (one point) as an invalid message', async () => {
    await f.start();
    const { operator } = await f.readyToScan();
    operator.sendJson({ type: 'collab', id: 'bad-mark-0001', action: { name: 'mark.add', sopInstanceUid: 'x', shape: 'arrow', points: [[1, 1]] } });
    expect(await operator.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
  });
});

describe('collaboration: proposals', () => {
  it('applies a queue change proposed onsite once the control holder accepts it', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    expect(await onsite.raw.collab({ name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 't2-tse-ax' } })).toMatchObject({ outcome: 'done' });
    const proposed = await operator.next<EventMessage>(collabEvent('proposal', (b) => (b.proposal as { status: string }).status === 'pending'));
    const proposalId = (proposed.body as unknown as { proposal: { id: string } }).proposal.id;
    expect(await operator.collab({ name: 'proposal.answer', proposalId, accept: true })).toMatchObject({ outcome: 'done' });
    await onsite.raw.next(collabEvent('proposal', (b) => (b.proposal as { status: string }).status === 'accepted'));
    expect(f.gateway.snapshot().queue.map((s) => s.protocolId)).toEqual(['localizer', 't2-tse-ax']);
  });

  it('leaves the queue alone when the holder declines', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    await onsite.raw.collab({ name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 't2-tse-ax' } });
    const proposed = await operator.next<EventMessage>(collabEvent('proposal'));
    const proposalId = (proposed.body as unknown as { proposal: { id: string } }).proposal.id;
    expect(await onsite.raw.collab({ name: 'proposal.answer', proposalId, accept: true })).toMatchObject({ code: ErrorCode.NOT_CONTROL_HOLDER });
    expect(await operator.collab({ name: 'proposal.answer', proposalId, accept: false })).toMatchObject({ outcome: 'done' });
    expect(f.gateway.snapshot().queue.map((s) => s.protocolId)).toEqual(['localizer']);
  });

  it('keeps at most five proposals of one person waiting, and takes another once one is answered', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    const propose = () => onsite.raw.collab({ name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 't2-tse-ax' } });
    for (let i = 0; i < MAX_PENDING_PROPOSALS_PER_PERSON; i++) expect(await propose()).toMatchObject({ outcome: 'done' });
    const refused = await propose();
    expect(refused).toMatchObject({ outcome: 'rejected', code: ErrorCode.PROPOSAL_LIMIT });
    expect(refused.reason).toMatch(/5 of your proposals are waiting for Remote Tech's answer/);
    const first = await operator.next<EventMessage>(collabEvent('proposal'));
    const proposalId = (first.body as unknown as { proposal: { id: string } }).proposal.id;
    expect(await operator.collab({ name: 'proposal.answer', proposalId, accept: false })).toMatchObject({ outcome: 'done' });
    expect(await propose()).toMatchObject({ outcome: 'done' });
  });

  it('refuses a proposal when nobody holds control, with the reason', async () => {
    await f.start();
    const operator = await f.client('operator', 'Second Tech');
    const ack = await operator.collab({ name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 'localizer' } });
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.NO_CONTROL_HOLDER });
    expect(ack.reason).toMatch(/nobody holds scanner control/);
  });

  it('refuses a proposal to start a scan (only queue and parameter changes may be proposed)', async () => {
    await f.start();
    const { onsite } = await f.readyToScan();
    onsite.raw.sendJson({ type: 'collab', id: 'propose-start-01', action: { name: 'proposal.make', command: { name: 'scan.start' } } });
    expect(await onsite.raw.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
  });
});

describe('collaboration: handover of control', () => {
  it('takes effect only when the checked-in onsite person confirms', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    const second = await f.client('operator', 'Second Tech');
    const secondId = f.gateway.snapshot().participants.find((p) => p.name === 'Second Tech')!.sessionId;
    expect(await operator.collab({ name: 'handover.offer', toSessionId: secondId })).toMatchObject({ outcome: 'done' });
    const offered = await onsite.raw.next<EventMessage>(collabEvent('handover'));
    const handoverId = (offered.body as unknown as { handover: { id: string } }).handover.id;
    expect(f.gateway.snapshot().control.holderName).toBe('Remote Tech');

    expect(await second.collab({ name: 'handover.confirm', handoverId })).toMatchObject({ code: ErrorCode.NOT_CHECKED_IN });
    expect(await onsite.raw.collab({ name: 'handover.confirm', handoverId })).toMatchObject({ outcome: 'done' });
    expect(f.gateway.snapshot().control.holderName).toBe('Second Tech');
    expect((await second.command(f.id('q'), { name: 'sequence.queue', protocolId: 'localizer' })).outcome).toBe('done');
    expect((await operator.command(f.id('q'), { name: 'sequence.queue', protocolId: 'localizer' })).code).toBe(ErrorCode.NOT_CONTROL_HOLDER);
  });

  it('stands as it is when offered again, and offers are held to the rate of shared actions: a loop of offers is no flood of notices', async () => {
    await f.start({ linkLimits: { sharedActionsPerSecond: 0.001, sharedActionBurst: 3 } });
    const { operator } = await f.readyToScan();
    await f.client('operator', 'Second Tech');
    await f.client('operator', 'Third Tech');
    const idOf = (name: string) => f.gateway.snapshot().participants.find((p) => p.name === name)!.sessionId;
    const notices = () => operator.messages.filter((m) => m.type === 'event' && m.body.kind === 'notice').length;
    const before = notices();
    const outcomes = [];
    for (const to of ['Second Tech', 'Second Tech', 'Third Tech', 'Second Tech', 'Third Tech'])
      outcomes.push((await operator.collab({ name: 'handover.offer', toSessionId: idOf(to) })).code);
    expect(outcomes).toEqual([null, null, null, ErrorCode.RATE_LIMITED, ErrorCode.RATE_LIMITED]);
    const from = operator.messages.length;
    operator.sendJson({ type: 'ping', t: 1 });
    await operator.next((m) => m.type === 'pong', from);
    // A notice for the first offer and for the one that changed whom it goes to; none for the repeat.
    expect(notices() - before).toBe(2);
  });

  it('is offered only by the control holder, and only to another connected operator', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    const second = await f.client('operator', 'Second Tech');
    const onsiteId = f.gateway.snapshot().participants.find((p) => p.role === 'onsite')!.sessionId;
    const operatorId = f.gateway.snapshot().participants.find((p) => p.name === 'Remote Tech')!.sessionId;
    expect(await second.collab({ name: 'handover.offer', toSessionId: operatorId })).toMatchObject({ code: ErrorCode.NOT_CONTROL_HOLDER });
    expect(await operator.collab({ name: 'handover.offer', toSessionId: onsiteId })).toMatchObject({ code: ErrorCode.NO_SUCH_OPERATOR });
    void onsite;
  });
});

describe('collaboration: contingency plans', () => {
  it('sends the plans to every client that joins, with the communication-failure plan as the failover text', async () => {
    const gateway = await f.start();
    gateway.store.collaboration.setPlan('communication-failure', 'Call the MR control room on 4410. Onsite staff finish the exam.', 'Site Admin');
    gateway.store.collaboration.setPlan('power-outage', 'Follow the scanner room power-loss card by the door.', 'Site Admin');
    // A running gateway notices plans written by another process within its poll interval.
    const observer = await f.client('observer', 'Trainee');
    await observer.next(collabEvent('plans'));
    const late = await f.client('observer', 'Late Trainee');
    const welcome = await late.next<Extract<GatewayMessage, { type: 'welcome' }>>((m) => m.type === 'welcome');
    expect(welcome.policy.fallbackInstructions).toBe('Call the MR control room on 4410. Onsite staff finish the exam.');
    const state = await late.next<CollabStateMessage>((m) => m.type === 'collab.state');
    expect(state.state.plans.find((p) => p.kind === 'power-outage')).toMatchObject({ version: 1, updatedBy: 'Site Admin' });
  });
});

describe('collaboration: alarms', () => {
  it('raises an alarm on every client when onsite staff call for help, and records who acknowledged it', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainee');
    expect(await onsite.act({ name: 'help.call', reason: 'patient anxious' })).toMatchObject({ outcome: 'done' });
    const isHelp = (m: GatewayMessage) =>
      m.type === 'event' && m.body.kind === 'notice' && m.body.level === 'alarm' && /HELP CALLED by Onsite Tech \(onsite\): patient anxious/.test(m.body.text);
    const alarm = await operator.next<EventMessage>(isHelp);
    expect(alarm.body).toMatchObject({
      alarm: { kind: 'help-call', detail: 'by Onsite Tech (onsite): patient anxious', by: 'Onsite Tech', reason: 'patient anxious' },
    });
    await observer.next(isHelp);
    expect(f.gateway.snapshot().state).not.toBe('aborted');

    expect(await operator.collab({ name: 'alarm.acknowledge', seq: alarm.seq })).toMatchObject({ outcome: 'done' });
    expect(
      f.gateway.store
        .auditTrail()
        .some((r) => r.action === 'collab alarm.acknowledge' && r.actor === 'Remote Tech' && JSON.stringify(r.detail).includes(`"seq":${alarm.seq}`)),
    ).toBe(true);
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: alarm.seq + 1000 })).toMatchObject({ code: ErrorCode.INVALID_PARAMETER });
  });

  it('tells onsite staff who saw their call for help, once per person who saw it', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    expect(await onsite.act({ name: 'help.call', reason: 'patient anxious' })).toMatchObject({ outcome: 'done' });
    const alarm = await operator.next<EventMessage>((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.alarm?.kind === 'help-call');
    const isSeen = (m: GatewayMessage) => m.type === 'event' && m.body.kind === 'notice' && m.body.seen !== undefined;

    expect(await operator.collab({ name: 'alarm.acknowledge', seq: alarm.seq })).toMatchObject({ outcome: 'done' });
    const seen = await onsite.raw.next<EventMessage>(isSeen);
    expect(seen.body).toEqual({
      kind: 'notice',
      level: 'info',
      text: 'Remote Tech saw the call for help by Onsite Tech (onsite): patient anxious',
      seen: { seq: alarm.seq, by: 'Remote Tech' },
    });

    // Acknowledged again (another window of the same person), and an event that was no alarm:
    // both audited, neither announced. A chat line sent after them marks the end.
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: alarm.seq })).toMatchObject({ outcome: 'done' });
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: seen.seq })).toMatchObject({ outcome: 'done' });
    const from = onsite.raw.messages.length;
    expect(await operator.collab({ name: 'chat.send', text: 'on my way' })).toMatchObject({ outcome: 'done' });
    await onsite.raw.next(collabEvent('chat'), from);
    expect(onsite.raw.messages.filter(isSeen)).toHaveLength(1);
  });
});
