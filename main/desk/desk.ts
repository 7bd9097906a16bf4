import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  acquisitionUnderway,
  ConnectRequest,
  DEFAULT_MAX_CONCURRENT_ACQUISITIONS,
  DeskConnectRequest,
  ErrorCode,
  LarmorError,
  describeIssues,
  codeOf,
  type CollabAction,
  type CollabEventBody,
  type CollabOutcome,
  type CollabState,
  type CommandView,
  type ContingencyPlan,
  type DeskAlarm,
  type DeskAlarmKind,
  type DeskThumbnail,
  type DeskTile,
  type DeskView,
  type ImageFetchOutcome,
  type LogEntry,
  type MediaClientMessage,
  type MediaGatewayMessage,
  type NoticeAlarm,
  type PreviewImage,
  type ScannerCommand,
  type SiteEntry,
  type WelcomeMessage,
  type WorkstationView,
} from '../../protocol/index.js';
import type { Activity } from '../core/activity.js';
import { WorkstationCore, type ImageDecodeResult, type WorkstationCoreEvents } from '../core/workstation-core.js';
import { FocusedFirstDecoder } from './focused-first-decoder.js';
import { attachImageIntake } from '../images/image-intake.js';
import { WORKSTATION_ALARM_WORDS, type AlarmWords } from './alarm-words.js';
import { refuseConcurrentStart } from './concurrent-acquisitions.js';
import { makeThumbnail } from './thumbnail.js';
import { deskTile, youHoldControl } from './desk-tile.js';

/** The site of the one-gateway flow (`link.connect`): a desk of one, focused on it. */
const SINGLE_SITE_ID = 'gateway';
/** Recent event-log entries kept per site, replayed to the console when that site is focused. */
const LOG_RING_SIZE = 300;
/** Alarms a tile keeps (unacknowledged ones first to stay). */
const MAX_ALARMS_PER_TILE = 50;

/**
 * Which alarm a full tile lets go: the oldest acknowledged one; with none acknowledged, the
 * oldest that a newer unacknowledged alarm of its kind repeats. So a burst of one kind (fifty
 * calls for help) cannot push an earlier emergency stop off the alarm bar: every kind still
 * waiting keeps at least its newest alarm.
 */
function alarmToDrop(alarms: readonly DeskAlarm[]): number {
  const acknowledged = alarms.findIndex((a) => a.acknowledged);
  if (acknowledged >= 0) return acknowledged;
  const repeated = alarms.findIndex((a, i) => alarms.some((b, j) => j > i && b.kind === a.kind));
  return repeated >= 0 ? repeated : 0;
}
/** Tile pushes are coalesced to at most one per this interval: ten acquiring scanners must not flood the page. */
const TILE_INTERVAL_MS = 100;

/** The console's events (as a core's) plus the desk view; only the focused core's reach the console. */
export interface DeskEvents {
  state: [WorkstationView];
  /** The focused core's link health alone, when only it changed (WorkstationCoreEvents `health`). */
  health: [WorkstationView['health']];
  log: [LogEntry];
  image: [PreviewImage];
  media: [MediaGatewayMessage];
  desk: [DeskView];
}

export interface DeskOptions {
  /** One core per site (its own link supervisor, health monitor, reconnect and outbox); journal records tagged with the site id. */
  makeCore?(siteId: string): WorkstationCore;
  /** A core the harness already holds: it serves the first site of every list (tests, benches). */
  pinnedCore?: WorkstationCore;
  /** One decoder for every core the desk makes (the shared pool), the focused scanner's frames first. */
  sharedDecoder?: { decode(frame: Uint8Array): ImageDecodeResult | Promise<ImageDecodeResult>; concurrency: number };
  maxConcurrentAcquisitions?: number;
  tileIntervalMs?: number;
  logRingSize?: number;
}

interface Site {
  entry: SiteEntry;
  core: WorkstationCore;
  unreadChat: number;
  alarms: DeskAlarm[];
  plans: ContingencyPlan[];
  newestImage: PreviewImage | null;
  thumbnail: DeskThumbnail | null;
}

/** A gateway's notice: its boot (the welcome's `bootId`) and its number in it. */
type GatewayNotice = NonNullable<NoticeAlarm['firstRaised']>;

/**
 * A gateway alarm on a tile: the boot its `seq` counts in, acknowledged at the gateway only while
 * that is the boot linked to; and the notice that first raised it, which a restarted gateway names
 * when it raises the alarm again.
 */
interface GatewayAlarmOrigin {
  boot: string | null;
  first: GatewayNotice | null;
}

interface Wiring {
  log: LogEntry[];
  off: () => void;
}

const desks = new WeakMap<WorkstationCore, Desk>();

/**
 * The remote technologist's desk (docs/architecture.md "The desk"): one workstation core per
 * site, connected concurrently, each with its own link, health, reconnect and outbox. The
 * console API (link, commands, state, log, images, media) acts on the focused core only; every
 * core feeds its tile and raises alarms whichever one is focused.
 */
export class Desk extends EventEmitter<DeskEvents> {
  private readonly makeCore: (siteId: string) => WorkstationCore;
  private readonly pinned: WorkstationCore | null;
  private readonly cores = new Map<string, WorkstationCore>();
  /** Where each gateway alarm on a tile counts, and which alarm it is across the gateway's restarts. */
  private readonly alarmOrigins = new WeakMap<DeskAlarm, GatewayAlarmOrigin>();
  private readonly wired = new Map<WorkstationCore, Wiring>();
  private sites: Site[] = [];
  private focused: WorkstationCore;
  private focusedSiteId: string | null = null;
  readonly maxConcurrentAcquisitions: number;
  private readonly tileIntervalMs: number;
  private readonly logRingSize: number;
  private deskTimer: NodeJS.Timeout | null = null;
  private lastDeskPush = 0;
  private alarmCounter = 0;

  constructor(options: DeskOptions = {}) {
    super();
    this.pinned = options.pinnedCore ?? null;
    const made =
      options.makeCore ??
      (() => {
        // Without a factory, new cores decode on the pinned core's decoder (one pool for all), else on this thread.
        const core = new WorkstationCore();
        const decoder = this.pinned?.installedImageDecoder;
        if (decoder) core.setImageDecoder(decoder);
        else attachImageIntake(core);
        return core;
      });
    const shared = options.sharedDecoder ? new FocusedFirstDecoder((frame) => options.sharedDecoder!.decode(frame), options.sharedDecoder.concurrency) : null;
    this.makeCore = (siteId) => {
      const core = made(siteId);
      if (shared) core.setImageDecoder(shared.decoderFor(() => core === this.focused));
      return core;
    };
    this.maxConcurrentAcquisitions = options.maxConcurrentAcquisitions ?? DEFAULT_MAX_CONCURRENT_ACQUISITIONS;
    this.tileIntervalMs = options.tileIntervalMs ?? TILE_INTERVAL_MS;
    this.logRingSize = options.logRingSize ?? LOG_RING_SIZE;
    this.focused = this.pinned ?? this.makeCore(SINGLE_SITE_ID);
    this.cores.set(SINGLE_SITE_ID, this.focused);
    this.wire(this.focused);
  }

  /** The desk of a core a shell was given (one per core, so every shell part shares it). */
  static around(core: WorkstationCore): Desk {
    let desk = desks.get(core);
    if (!desk) {
      desk = new Desk({ pinnedCore: core });
      desks.set(core, desk);
    }
    return desk;
  }

  /** The focused core: the console's. */
  get focusedCore(): WorkstationCore {
    return this.focused;
  }

  /** The core of a site on the list. */
  coreOf(siteId: string): WorkstationCore | undefined {
    return this.sites.find((s) => s.entry.id === siteId)?.core;
  }

  // ------------------------------------------------------------------ the console API (focused core)

  view(): WorkstationView {
    return this.focused.view();
  }

  /** The focused site's recent log (the ring a focus change replays), oldest first. */
  recentLog(): LogEntry[] {
    return this.focusLog(this.focused);
  }

  /**
   * The one-gateway flow: a desk of one site, focused on it; resolves and rejects exactly as the
   * core's connect (so the connect screen shows a refusal as before).
   */
  connect(request: unknown): Promise<WelcomeMessage> {
    const parsed = ConnectRequest.safeParse(request);
    if (!parsed.success) return Promise.reject(new LarmorError(ErrorCode.INVALID_PARAMETER, describeIssues(parsed.error.issues)));
    const entry: SiteEntry = {
      id: SINGLE_SITE_ID,
      name: siteNameOf(parsed.data.url),
      url: parsed.data.url,
      ...(parsed.data.secondaryUrl ? { secondaryUrl: parsed.data.secondaryUrl } : {}),
    };
    this.list([entry]);
    this.setFocus(SINGLE_SITE_ID);
    return this.sites[0]!.core.connect(request);
  }

  disconnect(): void {
    for (const core of new Set([this.focused, ...this.sites.map((s) => s.core)])) core.disconnect();
    this.scheduleDesk();
  }

  /** Commands go to the focused scanner, after the workstation's own concurrent-acquisition rule. */
  async sendCommand(command: ScannerCommand): Promise<CommandView> {
    const core = this.focused;
    const site = this.sites.find((s) => s.core === core);
    if (site) {
      const refusal = refuseConcurrentStart(
        command,
        site.entry.id,
        this.sites.map((s) => this.underControl(s)),
        this.maxConcurrentAcquisitions,
      );
      if (refusal) {
        const at = new Date().toISOString();
        const view: CommandView = {
          id: `desk-refused-${randomUUID()}`,
          command,
          state: 'rejected',
          code: refusal.code,
          reason: refusal.reason,
          sentAt: at,
          settledAt: at,
        };
        core.record({ type: 'ack', at, id: view.id, name: command.name, outcome: 'rejected', code: refusal.code, reason: refusal.reason });
        return view;
      }
    }
    return core.sendCommand(command);
  }

  sendMedia(message: MediaClientMessage): void {
    this.focused.sendMedia(message);
  }

  /** Held images of the focused scanner's open exam (docs/architecture.md "The image's path"). */
  fetchImages(request: unknown): Promise<ImageFetchOutcome> {
    return this.focused.fetchImages(request);
  }

  /** Chat, marks, proposals, handover at the focused scanner (docs/architecture.md "Collaboration"). */
  sendCollab(action: CollabAction): Promise<CollabOutcome> {
    return this.focused.sendCollab(action);
  }

  // ------------------------------------------------------------------ the desk API

  /**
   * Sign in to every site of the list at once; none waits for another. Resolves when one site is
   * connected; rejects (with the first site's error) only when every site refused or is
   * unreachable. A site that is down, slow or refuses shows that on its tile.
   */
  connectSites(request: unknown): Promise<void> {
    const parsed = DeskConnectRequest.safeParse(request);
    if (!parsed.success) return Promise.reject(new LarmorError(ErrorCode.INVALID_PARAMETER, describeIssues(parsed.error.issues)));
    const { sites, ...login } = parsed.data;
    const ids = new Set(sites.map((s) => s.id));
    if (ids.size !== sites.length) return Promise.reject(new LarmorError(ErrorCode.DESK_UNKNOWN_SITE, 'the site list names one site id twice'));
    this.list(sites);
    this.setFocus(sites[0]!.id);
    const attempts = this.sites.map((site) =>
      site.core.connect({ url: site.entry.url, ...(site.entry.secondaryUrl ? { secondaryUrl: site.entry.secondaryUrl } : {}), ...login }).then(
        () => undefined,
        (err: unknown) => {
          this.scheduleDesk();
          throw err;
        },
      ),
    );
    return Promise.any(attempts).catch((all: AggregateError) => {
      throw all.errors[0] instanceof Error ? all.errors[0] : new LarmorError(ErrorCode.LINK_DOWN, 'no site could be reached');
    });
  }

  /** Focus a site's console: its state and recent log are pushed at once; its unread chat is read. */
  focus(siteId: string): void {
    if (!this.sites.some((s) => s.entry.id === siteId)) throw new LarmorError(ErrorCode.DESK_UNKNOWN_SITE, `no site ${siteId} on this desk`);
    this.setFocus(siteId);
  }

  /**
   * Acknowledge one alarm. One the gateway raised (it has the notice's `seq`) is acknowledged at
   * that gateway, which audits who saw it; one this workstation raised is journalled here.
   */
  async acknowledge(siteId: string, alarmId: string): Promise<void> {
    const site = this.sites.find((s) => s.entry.id === siteId);
    if (!site) throw new LarmorError(ErrorCode.DESK_UNKNOWN_SITE, `no site ${siteId} on this desk`);
    const alarm = site.alarms.find((a) => a.id === alarmId);
    if (!alarm) throw new LarmorError(ErrorCode.DESK_UNKNOWN_ALARM, `no alarm ${alarmId} at ${site.entry.name}`);
    if (alarm.acknowledged) return;
    // Observers are receive-only at the gateway: theirs is recorded in this workstation's journal
    // only. So is an alarm of an earlier boot of the gateway: its number counted in that boot, and
    // names another notice, or none yet, in this one (which raised the alarm again, if no one had
    // seen it, under a number of its own: docs/architecture.md "Safety rules").
    const boot = site.core.gatewayBootId;
    const earlierBoot = boot !== null && this.alarmOrigins.get(alarm)?.boot !== boot;
    const gatewaySeq = site.core.view().link.role === 'observer' || earlierBoot ? null : alarm.seq;
    if (gatewaySeq !== null) {
      const outcome = await site.core.sendCollab({ name: 'alarm.acknowledge', seq: gatewaySeq });
      if (outcome.error)
        throw new LarmorError(codeOf(outcome.error, ErrorCode.INTERNAL), `${site.entry.name} did not record the acknowledgement: ${outcome.error.message}`);
    }
    alarm.acknowledged = true;
    site.core.record({
      type: 'desk-alarm',
      at: new Date().toISOString(),
      siteId,
      alarmId,
      kind: alarm.kind,
      text: alarm.text,
      seq: alarm.seq,
      event: 'acknowledged',
      atGateway: gatewaySeq !== null,
    });
    this.pushDeskNow();
  }

  deskView(): DeskView {
    return { tiles: this.sites.map((s) => this.tile(s)), focusedSiteId: this.focusedSiteId, maxConcurrentAcquisitions: this.maxConcurrentAcquisitions };
  }

  // ------------------------------------------------------------------ sites and cores

  /** Make the site list current: cores kept by site id (the pinned one serves the first site), the rest disconnected. */
  private list(entries: readonly SiteEntry[]): void {
    const previous = new Map(this.sites.map((s) => [s.entry.id, s]));
    const next: Site[] = entries.map((entry, index) => {
      const core = index === 0 && this.pinned ? this.pinned : (this.cores.get(entry.id) ?? this.makeCore(entry.id));
      const kept = previous.get(entry.id);
      return kept && kept.core === core ? { ...kept, entry } : { entry, core, unreadChat: 0, alarms: [], plans: [], newestImage: null, thumbnail: null };
    });
    const used = new Set(next.map((s) => s.core));
    for (const [id, core] of [...this.cores]) {
      if (used.has(core)) continue;
      if (core === this.pinned) {
        if (core.view().link.status !== 'disconnected') core.disconnect();
        continue;
      }
      core.dispose();
      this.cores.delete(id);
      this.unwire(core);
    }
    for (const site of next) {
      this.cores.set(site.entry.id, site.core);
      this.wire(site.core);
    }
    this.sites = next;
  }

  private setFocus(siteId: string): void {
    const site = this.sites.find((s) => s.entry.id === siteId)!;
    const changed = site.core !== this.focused || this.focusedSiteId !== siteId;
    this.focused = site.core;
    this.focusedSiteId = siteId;
    site.unreadChat = 0;
    if (changed) {
      this.emit('state', site.core.view());
      for (const entry of this.focusLog(site.core)) this.emit('log', entry);
    }
    this.pushDeskNow();
  }

  private wire(core: WorkstationCore): void {
    if (this.wired.has(core)) return;
    const log: LogEntry[] = [];
    const siteOf = () => this.sites.find((s) => s.core === core);
    const focused = () => core === this.focused;
    const onState = (view: WorkstationView) => {
      if (focused()) this.emit('state', view);
      const site = siteOf();
      if (site) {
        this.noteOperatorLoss(site, view);
        this.scheduleDesk();
      }
    };
    const onHealth = (health: WorkstationView['health']) => {
      if (focused()) this.emit('health', health);
      // The tile shows the link's health state.
      if (siteOf()) this.scheduleDesk();
    };
    const onLog = (entry: LogEntry) => {
      log.push(entry);
      // Trimmed to the ring once it holds twice as many: one copy per logRingSize entries, not a
      // shift of the whole ring per entry of a flood. Readers take the newest logRingSize (focusLog).
      if (log.length >= 2 * this.logRingSize) log.splice(0, log.length - this.logRingSize);
      if (focused()) this.emit('log', entry);
    };
    const onImage = (image: PreviewImage) => {
      if (focused()) this.emit('image', image);
      const site = siteOf();
      if (site) {
        // The thumbnail is made when the tile is next pushed: one per push, not one per image.
        site.newestImage = image;
        this.scheduleDesk();
      }
    };
    const onMedia = (message: MediaGatewayMessage) => {
      if (focused()) this.emit('media', message);
    };
    const onActivity = (activity: Activity) => {
      const site = siteOf();
      if (site) this.noteActivity(site, activity);
    };
    const onCollab = (b: CollabEventBody) => {
      const site = siteOf();
      if (!site) return;
      if (b.kind === 'chat' && !focused() && b.entry.from.name !== core.link.name) site.unreadChat++;
      if (b.kind === 'plans') site.plans = b.plans;
      this.scheduleDesk();
    };
    const onCollabState = (state: CollabState) => {
      const site = siteOf();
      if (!site) return;
      site.plans = state.plans;
      this.scheduleDesk();
    };
    const onMediaHealth = ({ health, reason }: { health: 'ok' | 'degraded' | 'failed'; reason: string | null }) => {
      const site = siteOf();
      if (site && health === 'failed' && focused()) this.raise(site, 'media-lost', WORKSTATION_ALARM_WORDS['media-lost'](site.entry.name, reason), null);
    };
    const offs = [
      listen(core, 'state', onState),
      listen(core, 'health', onHealth),
      listen(core, 'log', onLog),
      listen(core, 'image', onImage),
      listen(core, 'media', onMedia),
      listen(core, 'activity', onActivity),
      listen(core, 'collab', onCollab),
      listen(core, 'collab-state', onCollabState),
      listen(core, 'media-health', onMediaHealth),
    ];
    this.wired.set(core, { log, off: () => offs.forEach((off) => off()) });
  }

  /** The newest logRingSize entries of this core's log, oldest first (a copy). */
  private focusLog(core: WorkstationCore): LogEntry[] {
    return (this.wired.get(core)?.log ?? []).slice(-this.logRingSize);
  }

  private unwire(core: WorkstationCore): void {
    this.wired.get(core)?.off();
    this.wired.delete(core);
  }

  // ------------------------------------------------------------------ alarms

  private noteActivity(site: Site, activity: Activity): void {
    if (activity.type === 'notice' && activity.alarm) {
      // Other alarm-level notices (an onsite console not responding) stay in the event log only;
      // of those sent before this workstation joined, so do alarms someone has seen.
      if (activity.earlier && !activity.earlier.open) return;
      // Signed in again, the workstation is brought every alarm no one has seen in the notice
      // history, the one still on this tile among them: raised once.
      if (this.onTile(site, activity.seq)) return;
      // Raised again by a gateway that restarted: the tile shows it already, if it showed the first.
      const { firstRaised } = activity.alarm;
      const shown = firstRaised && this.shownFirst(site, firstRaised);
      if (shown) {
        this.raisedAgain(site, shown, activity.seq, firstRaised);
        return;
      }
      // Shown at the time it was raised: one raised again after a gateway restart says when first.
      const at = activity.alarm.raisedAt ?? (activity.earlier ? activity.at : undefined);
      this.raise(site, activity.alarm.kind, { text: activity.text, detail: activity.alarm.detail }, activity.seq, at, firstRaised);
    } else if (activity.type === 'health' && (activity.state === 'lost' || activity.state === 'failed')) {
      // Raised by the workstation: one open alarm per outage, not one per transition; a site
      // never welcomed (a refused or unreachable first connect) shows that on its tile instead.
      const wasUp = site.core.view().link.sessionId !== null;
      if (wasUp && !site.alarms.some((a) => a.kind === 'link-lost' && !a.acknowledged))
        this.raise(site, 'link-lost', WORKSTATION_ALARM_WORDS['link-lost'](site.entry.name, activity.reason), null);
    } else if (activity.type === 'link') {
      this.scheduleDesk();
    }
  }

  /** An operator-loss already running when this workstation joins shows too (no notice of it is replayed then). */
  private noteOperatorLoss(site: Site, view: WorkstationView): void {
    const loss = view.snapshot?.onsite?.operatorLoss;
    if (!loss || site.alarms.some((a) => a.kind === 'operator-loss' && a.at >= loss.since)) return;
    this.raise(site, 'operator-loss', WORKSTATION_ALARM_WORDS['operator-loss'](loss.name, loss.controlReturnsAt), null, loss.since);
  }

  /** Whether the gateway's alarm numbered `seq` in the boot linked to is on this tile already. */
  private onTile(site: Site, seq: number): boolean {
    const boot = site.core.gatewayBootId;
    return site.alarms.some((a) => a.seq === seq && this.alarmOrigins.get(a)?.boot === boot);
  }

  /**
   * The alarm on this tile, not yet acknowledged, that the gateway's notice `first` raised
   * (NoticeAlarm.firstRaised), in whichever boot. One acknowledged here only (an observer's, or one
   * of an earlier boot) is still unseen at the gateway: raised again, it is shown again.
   */
  private shownFirst(site: Site, first: GatewayNotice): DeskAlarm | undefined {
    return site.alarms.find((a) => {
      const origin = this.alarmOrigins.get(a);
      return !a.acknowledged && origin?.first?.bootId === first.bootId && origin.first.seq === first.seq;
    });
  }

  /** A tile's alarm that the gateway, restarted, raised again as its notice `seq`: the tile keeps the one alarm, acknowledged in the boot linked to. */
  private raisedAgain(site: Site, alarm: DeskAlarm, seq: number, first: GatewayNotice): void {
    alarm.seq = seq;
    this.alarmOrigins.set(alarm, { boot: site.core.gatewayBootId, first });
    this.scheduleDesk();
  }

  private raise(
    site: Site,
    kind: DeskAlarmKind,
    { text, detail }: AlarmWords,
    seq: number | null,
    at = new Date().toISOString(),
    firstRaised?: GatewayNotice,
  ): void {
    // The notice of an operator loss arrives around the snapshot that shows it: one alarm, with the notice's seq.
    const twin = kind === 'operator-loss' ? site.alarms.find((a) => a.kind === kind && !a.acknowledged && (a.seq === null) !== (seq === null)) : undefined;
    if (twin) {
      if (seq !== null) {
        twin.seq = seq;
        this.alarmOrigins.set(twin, this.originOf(site, seq, undefined));
        twin.text = text;
        twin.detail = detail;
      }
      this.pushDeskNow();
      return;
    }
    const alarm: DeskAlarm = { id: `alarm-${++this.alarmCounter}`, siteId: site.entry.id, kind, text, detail, at, seq, acknowledged: false };
    site.alarms.push(alarm);
    if (seq !== null) this.alarmOrigins.set(alarm, this.originOf(site, seq, firstRaised));
    // A long day's acknowledged alarms are in the journal and the gateway's audit; the tile keeps the recent ones.
    while (site.alarms.length > MAX_ALARMS_PER_TILE) site.alarms.splice(alarmToDrop(site.alarms), 1);
    site.core.record({ type: 'desk-alarm', at: new Date().toISOString(), siteId: site.entry.id, alarmId: alarm.id, kind, text, seq, event: 'raised' });
    // An alarm is never held back by the tile throttle.
    this.pushDeskNow();
  }

  /** Where the gateway's alarm notice `seq`, in the boot linked to, counts; `firstRaised` when it was raised before a restart. */
  private originOf(site: Site, seq: number, firstRaised: GatewayNotice | undefined): GatewayAlarmOrigin {
    const boot = site.core.gatewayBootId;
    return { boot, first: firstRaised ?? (boot === null ? null : { bootId: boot, seq }) };
  }

  // ------------------------------------------------------------------ tiles

  private underControl(site: Site): { siteId: string; name: string; youHoldControl: boolean; acquiring: boolean } {
    const view = site.core.view();
    const snapshot = view.snapshot;
    return {
      siteId: site.entry.id,
      name: site.entry.name,
      youHoldControl: youHoldControl(view),
      acquiring: acquisitionUnderway(snapshot?.state),
    };
  }

  private tile(site: Site): DeskTile {
    if (site.newestImage && site.newestImage.sopInstanceUid !== site.thumbnail?.sopInstanceUid) site.thumbnail = makeThumbnail(site.newestImage);
    site.newestImage = null;
    return deskTile(site.entry, site.core.view(), { thumbnail: site.thumbnail, unreadChat: site.unreadChat, alarms: site.alarms, plans: site.plans });
  }

  /** Coalesced: at most one desk push per interval, the newest view. */
  private scheduleDesk(): void {
    if (this.deskTimer) return;
    const wait = Math.max(0, this.lastDeskPush + this.tileIntervalMs - Date.now());
    this.deskTimer = setTimeout(() => {
      this.deskTimer = null;
      this.pushDeskNow();
    }, wait);
    this.deskTimer.unref?.();
  }

  private pushDeskNow(): void {
    if (this.deskTimer) {
      clearTimeout(this.deskTimer);
      this.deskTimer = null;
    }
    this.lastDeskPush = Date.now();
    this.emit('desk', this.deskView());
  }
}

/** A one-gateway desk names its site by the gateway's host and port. */
function siteNameOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Subscribes to one core event; the returned function unsubscribes. */
function listen<K extends keyof WorkstationCoreEvents>(core: WorkstationCore, event: K, listener: (...args: WorkstationCoreEvents[K]) => void): () => void {
  core.on(event, listener as never);
  return () => core.off(event, listener as never);
}
