import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { seededRandom } from '../../../main/health/backoff.js';
import { OPEN_EXAM, startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { ActivityLog, sleep } from './core-harness.js';
import { testLogin } from '../../helpers/accounts.js';

/** Short, so a cut outlives it within a test; the app uses COMMAND_RESEND_MAX_AGE_MS. */
const RESEND_MAX_AGE_MS = 300;

let gateway: Gateway | undefined;
let proxy: FaultProxy | undefined;
let core: WorkstationCore | undefined;

afterEach(async () => {
  core?.disconnect();
  await proxy?.close();
  await gateway?.close();
  gateway = proxy = core = undefined;
});

async function setup() {
  gateway = await startTestGateway({ autoGrantControl: true, requireChecklist: false });
  proxy = await FaultProxy.start(gateway.port);
  core = new WorkstationCore({ random: seededRandom(9), resendMaxAgeMs: RESEND_MAX_AGE_MS });
  const log = new ActivityLog(core);
  await core.connect({ url: proxy.url, role: 'operator', ...testLogin('Remote Tech') });
  await sleep(200);
  return { gateway, proxy, core, log };
}

describe('commands in flight longer than the resend age', () => {
  it('are looked up, not resent: one the gateway never received is settled as not applied and never runs', async () => {
    const { gateway, proxy, core, log } = await setup();
    const from = log.length;
    proxy.blackhole();
    const pending = core.sendCommand(OPEN_EXAM); // vanishes in the black hole
    await log.health('lost', from);
    await sleep(RESEND_MAX_AGE_MS);
    proxy.heal();
    const view = await pending;
    expect(view).toMatchObject({ state: 'rejected', code: ErrorCode.NOT_APPLIED });
    expect(log.all.slice(from).filter((a) => a.type === 'resend')).toEqual([]);
    expect(log.all.slice(from).find((a) => a.type === 'lookup')).toMatchObject({ id: view.id, why: 'too-old' });
    expect(gateway.snapshot().exam).toBeNull();
    expect(gateway.store.auditTrail().some((r) => r.action === 'command exam.open')).toBe(false);
  });

  it('are looked up, not resent: one the gateway applied but whose ack was lost gets its stored outcome', async () => {
    const { gateway, proxy, core, log } = await setup();
    const from = log.length;
    proxy.setConditions({ delayMs: 100 });
    const ackLost = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (gateway.snapshot().exam) {
          clearInterval(t);
          proxy.blackhole();
          resolve();
        }
      }, 1);
    });
    const pending = core.sendCommand(OPEN_EXAM);
    await ackLost;
    await log.health('lost', from);
    await sleep(RESEND_MAX_AGE_MS);
    proxy.setConditions({ delayMs: 0 });
    proxy.heal();
    expect(await pending).toMatchObject({ state: 'done' });
    expect(log.all.slice(from).filter((a) => a.type === 'resend')).toEqual([]);
    const decisions = gateway.store.auditTrail().filter((r) => r.action === 'command exam.open');
    expect(decisions.map((r) => r.decision)).toEqual(['done']);
  });
});
