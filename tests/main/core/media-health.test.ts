import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { Activity } from '../../../main/core/activity.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { testLogin } from '../../helpers/accounts.js';

let gateway: Gateway | undefined;
let core: WorkstationCore | undefined;
afterEach(async () => {
  core?.disconnect();
  await gateway?.close();
});

const state = (health: 'ok' | 'degraded' | 'failed', healthReason: string | null) => ({ audio: true, video: true, intercom: false, health, healthReason });

describe('media health in the link-health model', () => {
  it('folds the call health reported by the panes into the health view and the activity stream, once per change', async () => {
    gateway = await startTestGateway();
    core = new WorkstationCore();
    const activity: Activity[] = [];
    core.on('activity', (a) => activity.push(a));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Tech') });

    core.sendMedia({ type: 'media.join', state: state('ok', null) });
    expect(core.view().health.media).toMatchObject({ health: 'ok' });

    core.sendMedia({ type: 'media.state', state: state('failed', 'ICE failed') });
    core.sendMedia({ type: 'media.state', state: state('failed', 'ICE failed') });
    expect(core.view().health.media).toMatchObject({ health: 'failed', reason: 'ICE failed' });
    expect(activity.filter((a) => a.type === 'media-health' && a.health === 'failed')).toHaveLength(1);

    core.sendMedia({ type: 'media.leave' });
    expect(core.view().health.media).toBeNull();
  });
});
