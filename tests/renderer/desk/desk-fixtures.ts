import type { DeskAlarm, DeskTile, DeskView } from '../../../protocol/desk.js';

export function deskTile(id: string, extra: Partial<DeskTile> = {}): DeskTile {
  return {
    site: { id, name: `Site ${id.toUpperCase()}`, url: `ws://127.0.0.1:1/${id}` },
    scanner: 'Larmor simulator 1.5 T',
    link: 'connected',
    health: 'healthy',
    error: null,
    state: 'idle',
    sequence: null,
    onsite: null,
    controlHolder: null,
    youHoldControl: false,
    thumbnail: null,
    unreadChat: 0,
    alarms: [],
    plans: [],
    ...extra,
  };
}

export function deskAlarm(siteId: string, kind: DeskAlarm['kind'], at: string, extra: Partial<DeskAlarm> = {}): DeskAlarm {
  return { id: `${siteId}-${kind}-${at}`, siteId, kind, text: `${kind} at ${siteId}`, detail: `at ${siteId}`, at, seq: 1, acknowledged: false, ...extra };
}

export function deskView(tiles: DeskTile[], focusedSiteId: string | null = tiles[0]?.site.id ?? null): DeskView {
  return { tiles, focusedSiteId, maxConcurrentAcquisitions: 1 };
}
