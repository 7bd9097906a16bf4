import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_MEDIA_OBSERVERS, ErrorCode, type MediaRoomMessage } from '../../../protocol/index.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { Activity } from '../../../main/core/activity.js';
import { toLogEntry } from '../../../main/core/activity.js';
import { CommandLabels, plainWords } from '../../../renderer/src/logic/log-words.js';
import { useGatewayFixture } from '../../helpers/gateway.js';
import { ensureTestAccount, testLogin } from '../../helpers/accounts.js';

const f = useGatewayFixture();
let core: WorkstationCore | undefined;
afterEach(() => {
  core?.disconnect();
  core = undefined;
});

const state = (health: 'ok' | 'degraded' | 'failed', healthReason: string | null) => ({ audio: true, video: true, intercom: false, health, healthReason });

async function connectedCore(role: 'operator' | 'observer', name: string): Promise<{ core: WorkstationCore; activity: Activity[] }> {
  const c = new WorkstationCore();
  core = c;
  const activity: Activity[] = [];
  c.on('activity', (a) => activity.push(a));
  await ensureTestAccount(f.gateway, name);
  await c.connect({ url: f.gateway.url, role, ...testLogin(name) });
  return { core: c, activity };
}

describe('media health in the link-health model', () => {
  it('folds the call health reported by the panes into the health view and the activity stream, once per change', async () => {
    await f.start();
    const { core, activity } = await connectedCore('operator', 'Tech');

    core.sendMedia({ type: 'media.join', state: state('ok', null) });
    // The call's health from the room that brings this window into it.
    await vi.waitFor(() => expect(core.view().health.media).toMatchObject({ health: 'ok' }));

    core.sendMedia({ type: 'media.state', state: state('failed', 'ICE failed') });
    core.sendMedia({ type: 'media.state', state: state('failed', 'ICE failed') });
    expect(core.view().health.media).toMatchObject({ health: 'failed', reason: 'ICE failed' });
    expect(activity.filter((a) => a.type === 'media-health' && a.health === 'failed')).toHaveLength(1);

    core.sendMedia({ type: 'media.leave' });
    expect(core.view().health.media).toBeNull();
  });

  it('says a window refused a place in the call is not in it, and never that its call works', async () => {
    await f.start({ heartbeatIntervalMs: 60_000 });
    for (let i = 0; i < MAX_MEDIA_OBSERVERS; i++) {
      const c = await f.client('observer', `Trainee ${i}`);
      const from = c.messages.length;
      c.sendJson({ type: 'media.join', state: state('ok', null) });
      await c.next<MediaRoomMessage>((m) => m.type === 'media.room', from);
    }
    const { core, activity } = await connectedCore('observer', 'Late Trainee');
    const answered = new Promise((resolve) => core.once('media', resolve));
    core.sendMedia({ type: 'media.join', state: state('ok', null) });
    expect(await answered).toMatchObject({ type: 'media.refused', code: ErrorCode.MEDIA_ROOM_FULL });

    expect(core.view().health.media).toBeNull();
    expect(activity.filter((a) => a.type === 'media-health')).toEqual([]);
    const refused = activity.filter((a) => a.type === 'media-refused');
    expect(refused).toHaveLength(1);
    const entry = toLogEntry(refused[0]!)!;
    expect(entry).toMatchObject({ level: 'warning', error: { code: ErrorCode.MEDIA_ROOM_FULL } });
    expect(plainWords(entry, new CommandLabels())).toMatch(/^Not in the call: the call already has its 20 observers/);
  });
});
