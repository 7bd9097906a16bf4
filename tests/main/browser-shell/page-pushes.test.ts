import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { webSocketTransport, type WebSocketLike } from '../../../preload/ws-transport.js';
import type { GatewayMessage, LogEntry, WorkstationView } from '../../../protocol/index.js';
import { createLarmorClient } from '../../../protocol/bridge.js';
import type { HealthView } from '../../../protocol/health.js';
import { createAppStore } from '../../../renderer/src/store/store.js';
import { wireLarmor } from '../../../renderer/src/store/wire-larmor.js';
import { bridgeSocket } from '../../helpers/shell.js';

/**
 * What the core pushes to a page (docs/architecture.md "Pushes to the window"), counted on a
 * real page socket: views coalesced (the newest wins), link health on its own, the log in batches.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Frame {
  push?: string;
  value?: unknown;
}

async function page() {
  const core = new WorkstationCore();
  cleanups.push(() => core.disconnect());
  const { shell, ws } = await bridgeSocket(core);
  cleanups.push(() => shell.close());
  cleanups.push(() => ws.close());
  const frames: Frame[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(JSON.parse(data.toString()) as Frame);
  });
  const api = createLarmorClient(webSocketTransport(ws as unknown as WebSocketLike));
  await new Promise((resolve) => ws.once('open', resolve));
  // The page's first views arrive before anything is counted.
  await expect.poll(() => frames.some((f) => f.push === 'state') && frames.some((f) => f.push === 'desk')).toBe(true);
  const pushed = (push: string) => frames.filter((f) => f.push === push);
  return { core, api, frames, pushed };
}

/** A message from the gateway, as the core's link hands it over. */
function receive(core: WorkstationCore, message: GatewayMessage): void {
  (core as unknown as { receive(m: GatewayMessage): void }).receive(message);
}

/** The link supervisor's health figures (twice a second, and at each pong verdict). */
function healthFigures(core: WorkstationCore, rttMs: number): void {
  const supervisor = (core as unknown as { supervisor: { view(): HealthView; emit(event: 'health', view: HealthView): void } }).supervisor;
  supervisor.emit('health', { ...supervisor.view(), rttMs } as HealthView);
}

describe('browser shell: pushes to the page', () => {
  it('sends a bounded number of views for a burst of 1,000 chat events, the last holding all the chat', async () => {
    const { core, pushed } = await page();
    const before = pushed('state').length;
    const at = new Date().toISOString();
    for (let i = 1; i <= 1000; i++)
      receive(core, {
        type: 'event',
        seq: i,
        at,
        body: { kind: 'chat', entry: { id: `c${i}`, at, studyUid: null, from: { name: 'Onsite', role: 'onsite' }, text: `line ${i}` } },
      } as GatewayMessage);
    const kept = core.view().collab!.chat;
    expect(kept.at(-1)?.id).toBe('c1000');
    await expect.poll(() => (pushed('state').at(-1)?.value as WorkstationView | undefined)?.collab?.chat.at(-1)?.id).toBe('c1000');
    expect((pushed('state').at(-1)!.value as WorkstationView).collab!.chat).toEqual(kept);
    // One view per push interval at most, the newest: a burst in one turn is one or two views, not 1,000.
    expect(pushed('state').length - before).toBeLessThanOrEqual(3);
  });

  it('sends link-health figures on their own, never as a whole view, and the page still sees them in its view', async () => {
    const { core, api, pushed } = await page();
    const views: WorkstationView[] = [];
    api.state.subscribe((view) => views.push(view));
    await expect.poll(() => views.length).toBeGreaterThan(0);
    const before = pushed('state').length;
    for (let i = 1; i <= 20; i++) healthFigures(core, i);
    await expect.poll(() => views.at(-1)?.health.rttMs).toBe(20);
    expect(pushed('state').length).toBe(before);
    expect(pushed('health').length).toBeGreaterThan(0);
    expect(pushed('health').length).toBeLessThanOrEqual(3);
    // The rest of the view is the one the page had.
    expect(views.at(-1)!.link).toEqual(views[0]!.link);
  });

  it('delivers a burst of 1,000 log entries in a few batches, and the store holds them in order', async () => {
    const { core, api, pushed } = await page();
    const store = createAppStore({ api: () => api, now: () => new Date().toISOString() });
    wireLarmor(api, store);
    const updates: number[] = [];
    store.subscribe((state, previous) => state.log !== previous.log && updates.push(state.log.length));
    // The subscriber's first (empty) log.recent answer is in before the burst.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const at = new Date().toISOString();
    const entries: LogEntry[] = Array.from({ length: 1000 }, (_, i) => ({ at, kind: 'notice', level: 'info', text: `notice ${i}` }));
    for (const entry of entries) core.emit('log', entry);
    await expect.poll(() => store.getState().log.length).toBe(1000);
    expect(store.getState().log.map((e) => e.text)).toEqual(entries.map((e) => e.text));
    expect(pushed('log').length).toBeLessThanOrEqual(5);
    // One store update (one render) per batch, not one per entry.
    expect(updates.length).toBe(pushed('log').length);
  });
});
