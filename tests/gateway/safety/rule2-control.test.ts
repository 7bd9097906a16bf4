import { describe, expect, it } from 'vitest';
import { ErrorCode, type WelcomeMessage } from '../../../protocol/index.js';
import { OPEN_EXAM } from '../../helpers/gateway.js';
import { safetyFixture } from './support.js';

const f = safetyFixture();

describe('safety rule 2: only the control holder commands; onsite grants and revokes; observers never', () => {
  it('gives an operator no control until the onsite technologist grants it', async () => {
    await f.start();
    const operator = await f.client('operator', 'Remote Tech');
    expect(operator.messages.find((m): m is WelcomeMessage => m.type === 'welcome')!.snapshot.control.holderSessionId).toBeNull();
    const ack = await operator.command(f.id('open'), OPEN_EXAM);
    expect(ack).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_CONTROL_HOLDER });
    expect(ack.reason).toMatch(/onsite technologist has not granted/);
  });

  it('lets the checked-in onsite technologist grant control, and the operator then commands', async () => {
    await f.start();
    const operator = await f.client('operator', 'Remote Tech');
    const onsite = await f.onsite();
    await onsite.checkIn();
    expect((await onsite.grantTo(f.gateway, 'Remote Tech')).outcome).toBe('done');
    expect(f.gateway.snapshot().control.holderName).toBe('Remote Tech');
    expect((await operator.command(f.id('open'), OPEN_EXAM)).outcome).toBe('done');
  });

  it('refuses a grant from an onsite console that has not checked in', async () => {
    await f.start();
    await f.client('operator', 'Remote Tech');
    const onsite = await f.onsite();
    expect(await onsite.grantTo(f.gateway, 'Remote Tech')).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_CHECKED_IN });
  });

  it('lets onsite revoke control at any moment, mid-acquisition included', async () => {
    await f.start();
    const { operator, onsite } = await f.readyToScan();
    await operator.command(f.id('start'), { name: 'scan.start' });
    expect((await onsite.act({ name: 'control.revoke' })).outcome).toBe('done');
    expect(f.gateway.snapshot().control.holderSessionId).toBeNull();
    expect(await operator.command(f.id('stop'), { name: 'scan.stop' })).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_CONTROL_HOLDER });
  });

  it('never gives control to an observer, and refuses every observer command', async () => {
    await f.start({ autoGrantControl: true });
    const observer = await f.client('observer', 'Trainer');
    const onsite = await f.onsite();
    await onsite.checkIn();
    const observerId = f.gateway.snapshot().participants.find((p) => p.role === 'observer')!.sessionId;
    expect(await onsite.act({ name: 'control.grant', sessionId: observerId })).toMatchObject({ outcome: 'rejected', code: ErrorCode.NO_SUCH_OPERATOR });
    expect(await observer.command(f.id('open'), OPEN_EXAM)).toMatchObject({ outcome: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
  });

  it('refuses onsite powers to an operator or an observer', async () => {
    await f.start();
    const operator = await f.client('operator', 'Remote Tech');
    operator.sendJson({ type: 'onsite', id: f.id('grant'), action: { name: 'control.revoke' } });
    expect(await operator.next((m) => m.type === 'ack')).toMatchObject({ outcome: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
  });

  it('audits every grant and revoke', async () => {
    await f.start();
    await f.client('operator', 'Remote Tech');
    const onsite = await f.onsite();
    await onsite.checkIn();
    await onsite.grantTo(f.gateway, 'Remote Tech');
    await onsite.act({ name: 'control.revoke' });
    const control = f.gateway.store
      .auditTrail()
      .filter((r) => r.action === 'control')
      .map((r) => r.decision);
    expect(control).toEqual(['granted to Remote Tech', 'onsite']);
  });
});
