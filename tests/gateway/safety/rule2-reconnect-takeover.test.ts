import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, type WelcomeMessage } from '../../../protocol/index.js';
import { OPEN_EXAM, RawClient } from '../../helpers/gateway.js';
import { safetyFixture } from './support.js';
import { signedIn } from '../../helpers/accounts.js';

const f = safetyFixture();

/**
 * A long heartbeat: the gateway would need 8 intervals of silence to drop the old session, so
 * for the whole test the cut is one it cannot see (the raw clients never ping).
 */
const BLIND = { heartbeatIntervalMs: 5_000 };

describe('safety rule 2: the control holder reconnecting over a cut the gateway cannot see', () => {
  it("hands control to the same operator's new session and ends the stale one, audited", async () => {
    await f.start(BLIND);
    const { operator } = await f.readyToScan();
    const stale = f.gateway.snapshot().control.holderSessionId!;
    const back = await f.client('operator', 'Remote Tech', { resumeSecret: operator.resumeSecret });
    const fresh = back.messages.find((m): m is WelcomeMessage => m.type === 'welcome')!.session.id;
    expect(f.gateway.snapshot().control).toEqual({ holderSessionId: fresh, holderName: 'Remote Tech' });
    await operator.closed;
    expect((await back.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
    const audit = f.gateway.store.auditTrail();
    expect(
      audit.some(
        (r) =>
          r.sessionId === stale &&
          r.action === 'session' &&
          r.decision === 'terminated' &&
          (r.detail as { reason: string }).reason === 'superseded by reconnect',
      ),
    ).toBe(true);
    expect(audit.some((r) => r.action === 'control' && (r.detail as { why: string }).why === 'superseded by reconnect')).toBe(true);
    // Control moved, it was never lost: no operator-loss watch, nothing returned to onsite.
    expect(f.gateway.snapshot().onsite?.operatorLoss).toBeNull();
  });

  it("never hands a live holder's control to an observer with the same name", async () => {
    await f.start(BLIND);
    const { operator } = await f.readyToScan();
    const holder = f.gateway.snapshot().control.holderSessionId;
    const observer = await f.client('observer', 'Remote Tech');
    expect(f.gateway.snapshot().control.holderSessionId).toBe(holder);
    expect(await observer.command(f.id('stop'), { name: 'scan.stop' })).toMatchObject({ code: ErrorCode.ROLE_FORBIDDEN });
    expect((await operator.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
  });

  it('never hands it to an operator with another name', async () => {
    await f.start(BLIND);
    const { operator } = await f.readyToScan();
    const other = await f.client('operator', 'Someone Else');
    expect(await other.command(f.id('start'), { name: 'scan.start' })).toMatchObject({ code: ErrorCode.NOT_CONTROL_HOLDER });
    expect((await operator.command(f.id('start'), { name: 'scan.start' })).outcome).toBe('done');
  });

  it('on a site with a token, the reconnect takes over with that token and nothing less', async () => {
    await f.start({ ...BLIND, token: 'site-secret', autoGrantControl: true });
    const hello = async (token: string | undefined, resumeSecret?: string) => {
      const c = await RawClient.connect(f.gateway.url);
      c.sendJson({
        type: 'hello',
        version: PROTOCOL_VERSION,
        role: 'operator',
        credentials: await signedIn(f.gateway.url, 'Remote Tech', 'operator', token ? { token } : {}),
        ...(resumeSecret ? { resumeSecret } : {}),
      });
      await c.next((m) => m.type === 'welcome' || m.type === 'refused');
      return c;
    };
    const first = await hello('site-secret');
    const holder = f.gateway.snapshot().control.holderSessionId;
    expect(holder).not.toBeNull();
    const impostor = await hello('guessed', first.resumeSecret);
    expect(impostor.messages[0]).toMatchObject({ type: 'refused', code: ErrorCode.UNAUTHENTICATED });
    expect(f.gateway.snapshot().control.holderSessionId).toBe(holder);
    const back = await hello('site-secret', first.resumeSecret);
    await first.closed;
    expect((await back.command(f.id('open'), OPEN_EXAM)).outcome).toBe('done');
    back.close();
  });
});
