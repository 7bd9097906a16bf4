import { afterEach, describe, expect, it } from 'vitest';
import { Desk } from '../../../main/desk/desk.js';
import { webSocketTransport, type WebSocketLike } from '../../../preload/ws-transport.js';
import { createLarmorClient } from '../../../protocol/bridge.js';
import type { DeskView, SiteEntry } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { testLogin } from '../../helpers/accounts.js';
import { bridgeSocket } from '../../helpers/shell.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The browser shell around a real desk, and the page's window.larmor over its bridge. */
async function page(defaultSites?: SiteEntry[]) {
  const desk = new Desk({ tileIntervalMs: 20 });
  cleanups.push(() => desk.disconnect());
  const { shell, ws } = await bridgeSocket(desk, { defaultSites });
  cleanups.push(() => shell.close());
  cleanups.push(() => ws.close());
  await new Promise((resolve) => ws.once('open', resolve));

  return { desk, shell, api: createLarmorClient(webSocketTransport(ws as unknown as WebSocketLike)) };
}

async function gateways(n: number): Promise<Gateway[]> {
  const list = await Promise.all(
    Array.from({ length: n }, (_, i) => startTestGateway({ site: { name: `Site ${i}`, scanner: `MR-${i + 1}`, fieldStrengthT: 3 } })),
  );
  for (const g of list) cleanups.push(() => g.close());
  return list;
}

describe('the desk over the browser-shell bridge', () => {
  it('gives a desk subscriber the current view first, then the tiles as the sites connect; focus moves the console', async () => {
    const [a, b] = await gateways(2);
    const { api } = await page();
    const views: DeskView[] = [];
    api.desk.subscribe((v) => views.push(v));
    await expect.poll(() => views.length).toBeGreaterThan(0);
    expect(views[0]!.tiles).toEqual([]);
    await api.desk.connect({
      sites: [
        { id: 'mr-1', name: 'MR-1', url: a!.url },
        { id: 'mr-2', name: 'MR-2', url: b!.url },
      ],
      role: 'operator',
      ...testLogin('Remote Tech'),
    });
    await expect
      .poll(() => views.at(-1)!.tiles.map((t) => `${t.site.id}:${t.link}:${t.scanner}`))
      .toEqual(['mr-1:connected:MR-1 3 T', 'mr-2:connected:MR-2 3 T']);
    const states: string[] = [];
    api.state.subscribe((s) => states.push(s.link.url ?? ''));
    await api.desk.focus('mr-2');
    await expect.poll(() => states.at(-1)).toBe(b!.url);
    await expect.poll(() => views.at(-1)!.focusedSiteId).toBe('mr-2');
    // A later subscriber gets the newest desk view at once.
    const later: DeskView[] = [];
    api.desk.subscribe((v) => later.push(v));
    expect(later).toEqual([views.at(-1)]);
  });

  it('offers the default site list to the page in its address', async () => {
    const sites = [{ id: 'mr-1', name: 'MR-1 1.5 T', url: 'ws://127.0.0.1:9/larmor' }];
    const { shell } = await page(sites);
    expect(JSON.parse(new URL(shell.url).searchParams.get('sites')!)).toEqual(sites);
  });
});
