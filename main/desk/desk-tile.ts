import type { ContingencyPlan, DeskAlarm, DeskThumbnail, DeskTile, SiteEntry, WorkstationView } from '../../protocol/index.js';

/** What the desk keeps per site beside its core's view: the newest image's thumbnail, unread chat, alarms, plans. */
export interface TileExtras {
  thumbnail: DeskThumbnail | null;
  unreadChat: number;
  alarms: readonly DeskAlarm[];
  plans: ContingencyPlan[];
}

/** One scanner's tile (protocol/desk.ts), from its core's view: a pure function, so a tile says only what the view says. */
export function deskTile(site: SiteEntry, view: WorkstationView, extras: TileExtras): DeskTile {
  const snapshot = view.snapshot;
  const active = snapshot?.queue.find((q) => q.id === snapshot.activeSequenceId) ?? null;
  const presence = snapshot?.onsite?.presence ?? null;
  return {
    site,
    scanner: snapshot ? scannerWords(snapshot.site) : null,
    link: view.link.status,
    health: view.health.state,
    error: view.link.error,
    state: snapshot?.state ?? null,
    sequence: active ? { name: active.name, remainingS: active.remainingS } : null,
    onsite: presence ? { name: presence.name, credential: presence.credential } : null,
    controlHolder: snapshot?.control.holderName ?? null,
    youHoldControl: youHoldControl(view),
    thumbnail: extras.thumbnail,
    unreadChat: extras.unreadChat,
    alarms: extras.alarms.map((a) => ({ ...a })),
    plans: extras.plans,
  };
}

/** This workstation's session is the scanner's control holder. */
export function youHoldControl(view: WorkstationView): boolean {
  return view.link.sessionId !== null && view.snapshot?.control.holderSessionId === view.link.sessionId;
}

/** "Larmor MR simulator 1.5 T": the model, then the field strength unless the model says it already. */
function scannerWords(site: { scanner: string; fieldStrengthT: number }): string {
  return /\d\s*T\b/.test(site.scanner) ? site.scanner : `${site.scanner} ${site.fieldStrengthT} T`;
}
