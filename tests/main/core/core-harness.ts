import { afterEach } from 'vitest';
import { seededRandom } from '../../../base/common/random.js';
import type { Activity } from '../../../main/core/activity.js';
import type { HealthTransition } from '../../../main/core/link-supervisor.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { Gateway, GatewayOptions } from '../../../gateway/server/gateway.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { testCredential } from '../../helpers/accounts.js';
import { InjectingRelay } from '../../helpers/injecting-relay.js';

/** Every activity of a core, kept for assertions, with a way to wait for the next match. */
export class ActivityLog {
  readonly all: Activity[] = [];
  private waiters: { match: (a: Activity) => boolean; resolve: (a: Activity) => void }[] = [];

  constructor(core: WorkstationCore) {
    core.on('activity', (a) => {
      this.all.push(a);
      this.waiters = this.waiters.filter((w) => (w.match(a) ? (w.resolve(a), false) : true));
    });
  }

  /** The first activity matching, at or after index `from` (past or future). */
  next<T extends Activity>(match: (a: Activity) => boolean, from = 0): Promise<T> {
    const seen = this.all.slice(from).find(match);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (a: Activity) => void }));
  }

  health(state: HealthTransition['state'], from = 0): Promise<HealthTransition> {
    return this.next<HealthTransition>((a) => a.type === 'health' && a.state === state, from);
  }

  get length(): number {
    return this.all.length;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A core linked to a real gateway through a relay that can slip in frames of the test's. */
export interface RelayedCore {
  gateway: Gateway;
  relay: InjectingRelay;
  core: WorkstationCore;
  log: ActivityLog;
}

/**
 * Starts, per test, a test gateway, an InjectingRelay in front of it and a core signed in at the
 * gateway itself as Remote Tech (operator) but linked through the relay; all three closed after
 * each test. Called at the top of a test file.
 */
export function useRelayedCore(): (gatewayOptions?: Partial<GatewayOptions>, reconnect?: { baseDelayMs?: number }) => Promise<RelayedCore> {
  let open: RelayedCore | undefined;
  afterEach(async () => {
    open?.core.disconnect();
    await open?.relay.close();
    await open?.gateway.close();
    open = undefined;
  });
  return async (gatewayOptions = {}, reconnect = {}) => {
    const gateway = await startTestGateway(gatewayOptions);
    const relay = await InjectingRelay.start(gateway.url);
    const core = new WorkstationCore({ random: seededRandom(7), reconnect });
    open = { gateway, relay, core, log: new ActivityLog(core) };
    // Signed in at the gateway itself: the relay carries the WebSocket only.
    const session = await testCredential(gateway.url, 'Remote Tech', 'operator');
    await core.connect({ url: relay.url, role: 'operator', name: 'Remote Tech', session });
    return open;
  };
}
