import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors.js';
import { safetyFixture } from './support.js';

const f = safetyFixture();

describe('safety rule 1: no acquisition without a checked-in onsite person whose console is alive', () => {
  it('refuses scan.start when the onsite technologist has not checked in', async () => {
    await f.start({ autoGrantControl: true, requireChecklist: false });
    const operator = await f.client('operator', 'Remote Tech');
    await operator.command(f.id('open'), {
      name: 'exam.open',
      patient: { name: 'DOE^J', id: 'P1', birthDate: null, sex: null, weightKg: null },
      description: 'BRAIN',
      accessionNumber: null,
    });
    await operator.command(f.id('queue'), { name: 'sequence.queue', protocolId: 'localizer' });
    await f.onsite(); // connected, but not checked in
    const ack = await operator.command(f.id('start'), { name: 'scan.start' });
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.ONSITE_NOT_PRESENT });
    expect(f.gateway.snapshot().activeSequenceId).toBeNull();
  });

  it('allows the same start once the onsite technologist checks in', async () => {
    await f.start();
    const { operator } = await f.readyToScan();
    const ack = await operator.command(f.id('start'), { name: 'scan.start' });
    expect(ack.outcome).toBe('done');
    expect(f.gateway.snapshot().state).toBe('acquiring');
  });

  it('refuses a start while the checked-in console has stopped heartbeating', async () => {
    await f.start({ heartbeatIntervalMs: 100 });
    const { operator, onsite } = await f.readyToScan();
    onsite.freeze();
    await expect.poll(() => f.gateway.snapshot().onsite?.consoleAlive).toBe(false);
    const ack = await operator.command(f.id('start'), { name: 'scan.start' });
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.ONSITE_NOT_PRESENT });
    expect(ack.reason).toMatch(/not responding/);
  });

  it('refuses a start after the onsite technologist checks out', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    expect((await onsite.act({ name: 'presence.check-out' })).outcome).toBe('done');
    const ack = await operator.command(f.id('start'), { name: 'scan.start' });
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.ONSITE_NOT_PRESENT });
  });

  it('refuses a start until the screening and positioning checklist is confirmed for this exam', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan({ checklist: false });
    const refused = await operator.command(f.id('start'), { name: 'scan.start' });
    expect(refused).toMatchObject({ outcome: 'rejected', code: ErrorCode.CHECKLIST_INCOMPLETE });
    const partial = await onsite.act({ name: 'checklist.confirm', items: ['screening-form-reviewed'] });
    expect(partial).toMatchObject({ outcome: 'rejected', code: ErrorCode.CHECKLIST_INCOMPLETE });
    expect((await onsite.confirmChecklist()).outcome).toBe('done');
    expect((await operator.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
  });

  it('drops presence when the onsite console disconnects, and tells everyone', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    onsite.close();
    await operator.next((m) => m.type === 'event' && m.body.kind === 'notice' && /Onsite console of Onsite Tech lost/.test(m.body.text));
    expect(f.gateway.snapshot().onsite?.presence).toBeNull();
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'onsite presence' && r.decision === 'lost')).toBe(true);
  });

  it('audits check-in, checklist and refused starts', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan({ checklist: false });
    await operator.command(f.id('start'), { name: 'scan.start' });
    await onsite.confirmChecklist();
    const trail = f.gateway.store.auditTrail().map((r) => `${r.action}:${r.decision}:${r.code ?? ''}`);
    expect(trail).toEqual(
      expect.arrayContaining([
        'onsite presence.check-in:done:',
        `command scan.start:rejected:${ErrorCode.CHECKLIST_INCOMPLETE}`,
        'onsite checklist.confirm:done:',
      ]),
    );
  });
});
