import { describe, expect, it } from 'vitest';
import { ErrorCode, type EventMessage } from '../../../protocol/index.js';
import { isNotice } from './support.js';
import { safetyFixture } from './support.js';

const f = safetyFixture();

describe('safety rule 4: the onsite emergency stop is always honoured', () => {
  it('ends the running acquisition, revokes remote control and tells everyone why', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainer');
    await operator.command(f.id('start'), { name: 'scan.start' });
    const ack = await onsite.act({ name: 'emergency.stop', reason: 'patient pressed the call button' });
    expect(ack.outcome).toBe('done');
    const snapshot = f.gateway.snapshot();
    expect(snapshot.activeSequenceId).toBeNull();
    expect(snapshot.queue[0]).toMatchObject({ status: 'aborted', endReason: expect.stringMatching(/emergency stop by Onsite Tech/) });
    expect(snapshot.control.holderSessionId).toBeNull();
    expect(snapshot.onsite?.lastEmergency).toMatchObject({ by: 'Onsite Tech', reason: expect.stringMatching(/call button/) });
    for (const c of [operator, observer, onsite.raw]) {
      const notice = await c.next<EventMessage>(
        isNotice('alarm', /EMERGENCY STOP by Onsite Tech: acquisition stopped; remote control revoked from Remote Tech/),
      );
      // Named, so a desk files it under its kind without reading the words.
      expect(notice.body).toMatchObject({
        alarm: {
          kind: 'emergency-stop',
          detail: 'by Onsite Tech: acquisition stopped; remote control revoked from Remote Tech (patient pressed the call button)',
          by: 'Onsite Tech',
          scanStopped: true,
          reason: 'patient pressed the call button',
        },
      });
    }
    expect(await operator.command(f.id('start2'), { name: 'scan.start' })).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_CONTROL_HOLDER });
  });

  it('is honoured from an onsite console that has not checked in', async () => {
    await f.start();
    const { operator } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    const bystander = await f.onsite('Second Onsite');
    expect((await bystander.act({ name: 'emergency.stop' })).outcome).toBe('done');
    expect(f.gateway.snapshot().state).toBe('aborted');
  });

  it('is audited with who pressed it', async () => {
    await f.start();
    const { onsite } = await f.readyToScan();
    await onsite.act({ name: 'emergency.stop' });
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'onsite emergency.stop' && r.decision === 'done' && r.actor === 'Onsite Tech')).toBe(true);
  });

  it('pressed again with nothing left to stop while its alarm is unseen, raises none; with a new reason, or once seen, it does', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    const stops = () => operator.messages.filter(isNotice('alarm', /EMERGENCY STOP/)) as EventMessage[];
    for (let i = 0; i < 5; i++) expect(await onsite.act({ name: 'emergency.stop', reason: 'patient moving' })).toMatchObject({ outcome: 'done' });
    await expect.poll(() => stops().length).toBe(1);
    expect(stops()[0]!.body).toMatchObject({ alarm: { scanStopped: true } });
    // Something new to say is a new alarm.
    expect(await onsite.act({ name: 'emergency.stop', reason: 'patient unwell' })).toMatchObject({ outcome: 'done' });
    await expect.poll(() => stops().length).toBe(2);
    // Seen: the next press is raised again, though nothing is left to stop.
    for (const stop of stops()) expect(await operator.collab({ name: 'alarm.acknowledge', seq: stop.seq })).toMatchObject({ outcome: 'done' });
    expect(await onsite.act({ name: 'emergency.stop', reason: 'patient moving' })).toMatchObject({ outcome: 'done' });
    await expect.poll(() => stops().length).toBe(3);
    expect(stops()[2]!.body).toMatchObject({ alarm: { scanStopped: false, reason: 'patient moving' } });
    // Every press is in the audit trail.
    expect(f.gateway.store.auditTrail().filter((r) => r.action === 'onsite emergency.stop' && r.decision === 'done')).toHaveLength(7);
  });

  it('pressed with a new reason each time and nothing left to stop, raises at most three unseen alarms of one person', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    const stops = () => operator.messages.filter(isNotice('alarm', /EMERGENCY STOP/)) as EventMessage[];
    // The stop that stops the scan, then ten more with reasons of their own: within the rate of onsite actions.
    for (let i = 0; i <= 10; i++) expect(await onsite.act({ name: 'emergency.stop', reason: `reason ${i}` })).toMatchObject({ outcome: 'done' });
    operator.sendJson({ type: 'ping', t: 1 });
    await operator.next((m) => m.type === 'pong');
    expect(stops().map((stop) => (stop.body as { alarm: { reason: string } }).alarm.reason)).toEqual(['reason 0', 'reason 1', 'reason 2']);
    // Every press is in the audit trail, with its reason.
    const pressed = f.gateway.store.auditTrail().filter((r) => r.action === 'onsite emergency.stop' && r.decision === 'done');
    expect(pressed).toHaveLength(11);
    expect(pressed.some((r) => JSON.stringify(r.detail).includes('reason 10'))).toBe(true);
    // Once one is seen, a new reason is raised again.
    expect(await operator.collab({ name: 'alarm.acknowledge', seq: stops()[0]!.seq })).toMatchObject({ outcome: 'done' });
    expect(await onsite.act({ name: 'emergency.stop', reason: 'reason 11' })).toMatchObject({ outcome: 'done' });
    await expect.poll(() => stops().length).toBe(4);
    expect(stops()[3]!.body).toMatchObject({ alarm: { scanStopped: false, reason: 'reason 11' } });
  });

  it('is honoured over the rate of onsite actions, and pressed in a loop with nothing left to stop raises no alarm each time', async () => {
    await f.start({ heartbeatIntervalMs: 60_000 });
    const { operator, onsite } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    // The console's share of actions spent (each counts, refused or not).
    for (let i = 0; i < 80; i++)
      onsite.raw.sendJson({
        type: 'onsite',
        id: `spend-${String(i).padStart(3, '0')}`,
        action: { name: 'presence.check-in', credential: 'level-2-mr-personnel' },
      });
    await onsite.raw.next((m) => m.type === 'ack' && m.code === ErrorCode.RATE_LIMITED);
    expect((await onsite.act({ name: 'emergency.stop' })).outcome).toBe('done');
    expect(f.gateway.snapshot()).toMatchObject({ state: 'aborted', activeSequenceId: null, control: { holderSessionId: null } });
    await operator.next(isNotice('alarm', /EMERGENCY STOP by Onsite Tech: acquisition stopped/));

    const alarmsBefore = operator.messages.filter(isNotice('alarm', /EMERGENCY STOP/)).length;
    const from = onsite.raw.messages.length;
    for (let i = 0; i < 200; i++) onsite.raw.sendJson({ type: 'onsite', id: `again-${String(i).padStart(3, '0')}`, action: { name: 'emergency.stop' } });
    await onsite.raw.next(() => onsite.raw.messages.slice(from).filter((m) => m.type === 'ack').length === 200);
    expect(onsite.raw.messages.slice(from).every((m) => m.type !== 'ack' || m.outcome === 'done')).toBe(true);
    operator.sendJson({ type: 'ping', t: 1 });
    await operator.next((m) => m.type === 'pong');
    // Refilling at 20 a second, a press or two may be within the rate again: never the 200.
    expect(operator.messages.filter(isNotice('alarm', /EMERGENCY STOP/)).length - alarmsBefore).toBeLessThanOrEqual(3);
    expect(f.gateway.store.auditTrail(10_000).filter((r) => r.action === 'onsite emergency.stop').length).toBeLessThanOrEqual(6);
  });
});
