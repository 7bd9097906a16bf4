import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, type EventMessage, type GatewayMessage, type WelcomeMessage } from '../../../protocol/index.js';
import { RawClient } from '../../helpers/gateway.js';
import { signedIn } from '../../helpers/accounts.js';
import { isNotice, scannerState } from './support.js';
import { safetyFixture } from './support.js';

const f = safetyFixture();

describe('safety rule 5: operator link lost', () => {
  it('alerts onsite at once and lets the running sequence finish (default policy)', async () => {
    await f.start({ timeScale: 5 }); // the localizer runs ~5 s: still running when the link drops, however loaded the machine
    const { operator, onsite } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    operator.ws.terminate();
    const notice = await onsite.raw.next<EventMessage>(isNotice('alarm', /Operator Remote Tech: link lost\. .+ runs to completion; nothing new starts/));
    expect(notice.body).toMatchObject({
      alarm: { kind: 'operator-loss', detail: expect.stringMatching(/^Remote Tech: .+ runs to completion; nothing new starts/), by: 'Remote Tech' },
    });
    expect(f.gateway.snapshot().onsite?.operatorLoss).toMatchObject({ name: 'Remote Tech' });
    await onsite.raw.next(scannerState('completed'));
    expect(f.gateway.snapshot().queue[0]!.status).toBe('completed');
  });

  it('stops the running sequence when the site policy says stop', async () => {
    await f.start({ operatorLossAction: 'stop' });
    const { operator, onsite } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    operator.ws.terminate();
    await onsite.raw.next(scannerState('aborted'));
    expect(f.gateway.snapshot().queue[0]!.endReason).toMatch(/link lost/);
  });

  it('detects a silent operator by heartbeat and alerts onsite', async () => {
    await f.start({ heartbeatIntervalMs: 100 });
    const { onsite } = await f.readyToScan();
    // The operator's RawClient never pings: after the heartbeat deadline the gateway drops it.
    await onsite.raw.next(isNotice('alarm', /Operator Remote Tech: link lost/));
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'heartbeat' && r.decision === 'lost' && r.actor === 'Remote Tech')).toBe(true);
  });

  it('returns control to onsite after the grace period', async () => {
    await f.start({ policy: { controlGraceS: 0.2 } });
    const { operator, onsite } = await f.readyToScan();
    operator.ws.terminate();
    await onsite.raw.next(isNotice('warning', /did not reconnect within 0\.2 s: scanner control is with onsite staff/));
    expect(f.gateway.snapshot().onsite?.operatorLoss).toBeNull();
    const back = await f.client('operator', 'Remote Tech');
    expect(await back.command(f.id('queue'), { name: 'sequence.queue', protocolId: 'localizer' })).toMatchObject({
      outcome: 'rejected',
      code: ErrorCode.NOT_CONTROL_HOLDER,
    });
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'control' && r.decision === 'returned to onsite')).toBe(true);
  });

  it('gives control back to the same operator reconnecting within the grace period', async () => {
    await f.start({ policy: { controlGraceS: 30 } });
    const { operator, onsite } = await f.readyToScan();
    operator.ws.terminate();
    await onsite.raw.next(isNotice('alarm', /link lost/));
    const other = await RawClient.greeted(f.gateway.url, 'operator', 'Someone Else');
    expect(await other.command(f.id('q0'), { name: 'sequence.queue', protocolId: 'localizer' })).toMatchObject({ code: ErrorCode.NOT_CONTROL_HOLDER });
    other.close();
    const back = await f.client('operator', 'Remote Tech', { resumeSecret: operator.resumeSecret });
    expect(f.gateway.snapshot().control.holderName).toBe('Remote Tech');
    expect((await back.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'control' && JSON.stringify(r.detail).includes('reconnected within the grace period'))).toBe(
      true,
    );
  });

  it('tells the returning operator it is back only after its welcome, where it cannot be missed', async () => {
    await f.start({ policy: { controlGraceS: 30 } });
    const { operator, onsite } = await f.readyToScan();
    operator.ws.terminate();
    await onsite.raw.next(isNotice('alarm', /link lost/));
    const back = await f.client('operator', 'Remote Tech', { resumeSecret: operator.resumeSecret });
    const welcomeAt = back.messages.findIndex((m) => m.type === 'welcome');
    const welcome = back.messages[welcomeAt] as WelcomeMessage;
    const notice = await back.next<EventMessage>(isNotice('info', /Remote Tech is back/));
    expect(back.messages.indexOf(notice)).toBeGreaterThan(welcomeAt);
    expect(notice.seq).toBeGreaterThan(welcome.lastSeq);
    expect(welcome.snapshot.control.holderName).toBe('Remote Tech');
  });

  it("orders a resuming operator's frames: welcome, the replayed events, then the news of its return", async () => {
    await f.start({ policy: { controlGraceS: 30 } });
    const { operator, onsite } = await f.readyToScan();
    const bootId = operator.messages.find((m): m is WelcomeMessage => m.type === 'welcome')!.bootId;
    const seen = Math.max(...operator.messages.filter((m): m is EventMessage => m.type === 'event').map((m) => m.seq));
    operator.ws.terminate();
    await onsite.raw.next(isNotice('alarm', /link lost/));
    f.gateway.notice('info', 'while you were away');
    const back = await RawClient.connect(f.gateway.url);
    back.sendJson({
      type: 'hello',
      version: PROTOCOL_VERSION,
      role: 'operator',
      credentials: await signedIn(f.gateway.url, 'Remote Tech', 'operator'),
      resumeSecret: operator.resumeSecret,
      resumeFrom: seen,
      resumeBootId: bootId,
    });
    await back.next(isNotice('info', /Remote Tech is back/));
    const at = (match: (m: GatewayMessage) => boolean) => back.messages.findIndex(match);
    const welcome = at((m) => m.type === 'welcome');
    const replayed = at(isNotice('info', /while you were away/));
    const news = at(isNotice('info', /Remote Tech is back/));
    expect(welcome).toBe(0);
    expect(replayed).toBeGreaterThan(welcome);
    expect(news).toBeGreaterThan(replayed);
    expect(back.messages.filter(isNotice('info', /Remote Tech is back/))).toHaveLength(1);
    const seqs = back.messages.filter((m): m is EventMessage => m.type === 'event').map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(seen + 1);
    back.close();
  });
});
