/**
 * A link with a long round trip: a remote technologist on a VPN from far away, or a satellite
 * link. Opening a WebSocket and being welcomed takes two round trips after the TCP connection
 * (upgrade, then hello and welcome), so at 800 ms of round trip the welcome comes after 1.6 s,
 * beyond the first attempt's wait (protocol/health.ts RECONNECT_POLICY attemptTimeoutMs).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { seededRandom } from '../../../base/common/random.js';
import { SETTLE_BUDGET_MS, startTestGateway } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { testLogin } from '../../helpers/accounts.js';
import { ActivityLog } from './core-harness.js';

/** One way, each direction: 800 ms of round trip. */
const ONE_WAY_MS = 400;

let gateway: Gateway | undefined;
const proxies: FaultProxy[] = [];
const cores: WorkstationCore[] = [];

afterEach(async () => {
  for (const c of cores.splice(0)) c.disconnect();
  for (const p of proxies.splice(0)) await p.close();
  await gateway?.close();
  gateway = undefined;
});

async function slowRoute(): Promise<{ gateway: Gateway; proxy: FaultProxy; core: WorkstationCore; log: ActivityLog }> {
  gateway = await startTestGateway();
  const proxy = await FaultProxy.start(gateway.port);
  proxies.push(proxy);
  const core = new WorkstationCore({ random: seededRandom(3) });
  cores.push(core);
  return { gateway, proxy, core, log: new ActivityLog(core) };
}

describe('a link with a long round trip', () => {
  it('signs in and is welcomed when the welcome takes longer than the first attempt waits', async () => {
    const { proxy, core } = await slowRoute();
    proxy.setConditions({ delayMs: ONE_WAY_MS });
    const welcome = await core.connect({ url: proxy.url, role: 'observer', ...testLogin('Observer') });
    expect(welcome.session.role).toBe('observer');
    expect(core.view().link.status).toBe('connected');
  });

  it('gets a lost link back over a route that became slow: each attempt waits longer than the one before', async () => {
    const { proxy, core, log } = await slowRoute();
    await core.connect({ url: proxy.url, role: 'observer', ...testLogin('Observer') });
    proxy.setConditions({ delayMs: ONE_WAY_MS });
    const from = log.length;
    proxy.closeClean();
    await log.health('lost', from);
    const back = await Promise.race([
      log.next((a) => a.type === 'health' && (a.state === 'healthy' || a.state === 'degraded'), from),
      log.health('failed', from),
    ]);
    expect(back.type === 'health' && back.state).not.toBe('failed');
    await expect.poll(() => core.view().link.status, { timeout: SETTLE_BUDGET_MS }).toBe('connected');
  });

  it('still says at once that a site refuses the account, without waiting out longer attempts', async () => {
    const { proxy, core } = await slowRoute();
    proxy.setConditions({ delayMs: ONE_WAY_MS });
    await expect(core.connect({ url: proxy.url, role: 'observer', user: 'nobody.here', password: 'not the password at all' })).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
    });
  });
});
