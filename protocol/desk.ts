import { z } from 'zod';
import type { LinkStatus, Unsubscribe } from './api.js';
import type { CredentialLevel } from './onsite.js';
import type { HealthState } from './health.js';
import type { ScannerState } from './scanner.js';
import { WorkstationSignIn } from './auth.js';
import type { ContingencyPlan } from './collaboration.js';
import type { NoticeAlarm } from './messages.js';

/**
 * The remote technologist's desk: one workstation, several scanners. The workstation keeps one
 * link per gateway (each with its own health monitor, reconnect, outbox and journal records);
 * the desk summarises every scanner as a tile, raises alarms from any of them whichever one is
 * focused, and the console shows the focused scanner in full. docs/architecture.md "The desk".
 */

/** A stable, short id for a site entry: used in the journal and in keyboard focus order. */
export const SiteId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'site id: lower-case letters, digits and hyphens, at most 32');
export type SiteId = z.infer<typeof SiteId>;

const GatewayUrl = z
  .string()
  .regex(/^wss?:\/\/[^\s]+$/, 'gateway URL must start with ws:// or wss://')
  .max(512);

/** One named gateway on the site list (settings, or the machine policy where IT sets one). */
export const SiteEntry = z.object({
  id: SiteId,
  /** The site's own words, e.g. "St. Olav MR-2". */
  name: z.string().min(1).max(64),
  url: GatewayUrl,
  secondaryUrl: GatewayUrl.optional(),
});
export type SiteEntry = z.infer<typeof SiteEntry>;

/** The ACR position asks for one acquisition at a time per remote technologist; sites may allow up to three. */
export const DEFAULT_MAX_CONCURRENT_ACQUISITIONS = 1;
const MAX_CONCURRENT_ACQUISITIONS_LIMIT = 3;
export const MaxConcurrentAcquisitions = z.number().int().min(1).max(MAX_CONCURRENT_ACQUISITIONS_LIMIT);

/** Sign in to every site of the list with one account (accounts are kept per gateway; a site that refuses shows it on its tile). */
export const DeskConnectRequest = WorkstationSignIn.extend({ sites: z.array(SiteEntry).min(1).max(16) });
export type DeskConnectRequest = z.infer<typeof DeskConnectRequest>;

/** A gateway's alarms (its notices' NoticeAlarm kinds) and those the workstation raises itself. */
export type DeskAlarmKind = NoticeAlarm['kind'] | 'link-lost' | 'media-lost';

/** An alarm on one scanner, shown on its tile and in the desk-wide alarm bar until acknowledged. */
export interface DeskAlarm {
  /** Unique on this desk. */
  id: string;
  siteId: SiteId;
  kind: DeskAlarmKind;
  /** The whole alarm, as the event log and the tile word it: "EMERGENCY STOP by Per Lunde: acquisition stopped; ...". */
  text: string;
  /** The text without the words of its kind, for a place that shows the kind already (the alarm bar): "by Per Lunde: acquisition stopped; ...". */
  detail: string;
  at: string;
  /** The gateway's sequence number of the alarm notice, acknowledged there (audited); null for alarms the workstation raises itself (link lost). */
  seq: number | null;
  acknowledged: boolean;
}

/** A small picture of the newest image: 8-bit grey, windowed, at most 96 x 96, base64. */
export interface DeskThumbnail {
  width: number;
  height: number;
  pixelsBase64: string;
  sopInstanceUid: string;
}

export interface DeskTile {
  site: SiteEntry;
  /** From the scanner's own snapshot: model and field strength, e.g. "Larmor simulator 1.5 T". */
  scanner: string | null;
  link: LinkStatus;
  health: HealthState;
  /** Why the link is not up (refused sign-in, unreachable), in words, with its code. */
  error: { code: string; message: string } | null;
  state: ScannerState | null;
  /** The sequence acquiring or paused, and the seconds it has left. */
  sequence: { name: string; remainingS: number } | null;
  onsite: { name: string; credential: CredentialLevel } | null;
  controlHolder: string | null;
  /** This workstation's session holds control at this scanner. */
  youHoldControl: boolean;
  thumbnail: DeskThumbnail | null;
  unreadChat: number;
  alarms: DeskAlarm[];
  /** The site's written contingency plans (protocol/collaboration.ts), shown from the tile. */
  plans: ContingencyPlan[];
}

export interface DeskView {
  /** In site-list order: Ctrl+1 focuses the first. */
  tiles: DeskTile[];
  focusedSiteId: SiteId | null;
  /** Site policy for this technologist (machine policy, else the default). */
  maxConcurrentAcquisitions: number;
}

/** `window.larmor.desk`: the console API (link, commands, state, log, images, media) acts on the focused scanner. */
export interface DeskApi {
  connect(request: DeskConnectRequest): Promise<void>;
  /** Focus a scanner's console; the others keep running and keep updating their tiles. */
  focus(siteId: SiteId): Promise<void>;
  /** Acknowledge one alarm; alarms with a gateway `seq` are recorded (audited) at that gateway. */
  acknowledge(siteId: SiteId, alarmId: string): Promise<void>;
  /** The full desk view on subscribe, then on every change. */
  subscribe(listener: (view: DeskView) => void): Unsubscribe;
}
