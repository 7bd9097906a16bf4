import { StalledTicks } from '../../base/common/stalled-ticks.js';
import { EventEmitter } from 'node:events';
import { codeOf, ErrorCode, LarmorError, LATER_REFUSALS, type GatewayMessage, type WelcomeMessage } from '../../protocol/index.js';
import {
  HEALTH_THRESHOLDS,
  RECONNECT_POLICY,
  offlineHealth,
  type HealthSample,
  type HealthState,
  type HealthThresholds,
  type HealthView,
  type LinkRoute,
  type ReconnectPolicy,
} from '../../protocol/health.js';
import type { Random } from '../../base/common/random.js';
import { attemptTimeoutMs, backoffDelayMs } from '../health/backoff.js';
import { LinkHealthMonitor } from '../health/link-health-monitor.js';
import { GatewayLink, type LinkTarget, type ResumePoint } from './gateway-link.js';
import type { LinkTls } from './link-tls.js';

/** One health state change with the figures that drove it (journal, events.jsonl, log). */
export interface HealthTransition {
  type: 'health';
  state: HealthState;
  from: HealthState;
  at: string;
  /** Epoch ms with sub-ms precision (performance.timeOrigin + performance.now()). */
  atMs: number;
  route: LinkRoute | null;
  url: string | null;
  code: string | null;
  reason: string;
  rttMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  silenceMs: number | null;
  lostAfterMs: number | null;
  attempt: number | null;
}

export interface SupervisorEvents {
  /** A link was welcomed. `resume` is what the hello asked for (undefined on a first connect). */
  welcome: [{ welcome: WelcomeMessage; route: LinkRoute; resume: ResumePoint | undefined; reconnect: boolean }];
  message: [GatewayMessage];
  binary: [Uint8Array];
  'protocol-error': [{ code: string; message: string }];
  transition: [HealthTransition];
  /** Figures changed (throttled); the core republishes its view. */
  health: [HealthView];
  /** The live link is gone; reconnecting starts (unless there is nothing to reconnect to). */
  down: [{ code: string; reason: string }];
  /** Reconnecting ended without success (budget spent or refused). */
  failed: [{ code: string; reason: string }];
  /** An attempt was refused in a way that does not end reconnecting (once per outage and code). */
  'reconnect-refused': [ReconnectRefusal];
}

/** A refused reconnect attempt, and what the next does: go without the resume secret, or try again later. */
export interface ReconnectRefusal {
  code: string;
  reason: string;
  next: 'without-secret' | 'later';
}

export interface SupervisorOptions {
  thresholds?: HealthThresholds;
  reconnect?: Partial<ReconnectPolicy>;
  random?: Random;
  /** The last event sequence number seen (and its gateway boot), asked for on every reconnect. */
  resumeFrom: () => ResumePoint | undefined;
  /** The machine policy's CA bundle and pins, per gateway address. */
  linkTls?: LinkTls;
}

/** How often a live link is judged; the granularity of silent-cut detection. */
const TICK_MS = 50;
/** A judging tick this much behind its time means this process itself was not running (base/common/stalled-ticks.ts). */
const STALLED_TICK_MS = 100;
/** Figures are republished at most this often; state changes go out at once. */
const PUBLISH_MS = 500;
/** Heartbeats kept for the live graph. */
const GRAPH_SAMPLES = 240;

type Phase = 'offline' | 'connecting' | 'live' | 'reconnecting' | 'failed';

const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * Keeps a session's link alive: one GatewayLink at a time, judged by a LinkHealthMonitor; when
 * it dies, reconnects with full-jitter backoff, alternating primary and secondary routes, until
 * the reconnect budget is spent. Knows nothing of commands or the scanner.
 */
export class LinkSupervisor extends EventEmitter<SupervisorEvents> {
  private phase: Phase = 'offline';
  private state: HealthState = 'offline';
  private stateSince: string | null = null;
  private primary: LinkTarget | null = null;
  private secondaryUrl: string | null = null;
  private link: GatewayLink | null = null;
  private route: LinkRoute | null = null;
  private monitor: LinkHealthMonitor | null = null;
  private lastVerdictReason = '';
  private tick: NodeJS.Timeout | null = null;
  /** The judging ticks' lateness: time this process did not run is not the gateway's silence. */
  private stalls = new StalledTicks(TICK_MS, STALLED_TICK_MS, 0);
  private retry: NodeJS.Timeout | null = null;
  private lastPublish = 0;
  private samples: (HealthSample & { sentMono: number; settled: boolean })[] = [];
  private outageStart: number | null = null;
  private outageSince: string | null = null;
  private cause: { code: string; message: string } | null = null;
  private attempt = 0;
  /** Bumped by every start and stop, so a superseded first-connect loop ends quietly. */
  private generation = 0;
  private lostRoute: LinkRoute = 'primary';
  /** The refusals of this outage's attempts already told (`reconnect-refused`). */
  private readonly refusalsSaid = new Set<string>();
  /** A resume secret the gateway refused as already used (RESUME_REPLAYED): no attempt presents it again. */
  private spentSecret: string | null = null;
  private nextAttempt: { at: number; route: LinkRoute } | null = null;
  /** Whether the core has asked that the live link not be read for now (holdReading). */
  private readingHeld = false;
  private readonly thresholds: HealthThresholds;
  private readonly policy: ReconnectPolicy;
  private readonly random: Random;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.thresholds = options.thresholds ?? HEALTH_THRESHOLDS;
    this.policy = { ...RECONNECT_POLICY, ...options.reconnect };
    this.random = options.random ?? Math.random;
  }

  get isLive(): boolean {
    return this.phase === 'live' && this.link?.isOpen === true;
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  /** The session's primary gateway URL: names the site (its routes share one gateway). */
  get siteUrl(): string | null {
    return this.primary?.url ?? null;
  }

  get currentRoute(): LinkRoute | null {
    return this.route;
  }

  /**
   * First connection of a session: the primary, then the secondary, in rounds whose wait for the
   * welcome doubles up to the policy's cap (a slow route gets in, a dead one is left quickly the
   * first time), with a backoff between rounds. Resolves at the first welcome; rejects
   * (LarmorError) at once on a refusal, or when no route answered in the longest wait. Only a
   * session that was once live is reconnected automatically.
   */
  async start(primary: LinkTarget, secondaryUrl: string | undefined): Promise<WelcomeMessage> {
    this.stop(null);
    const generation = ++this.generation;
    this.primary = primary;
    this.secondaryUrl = secondaryUrl ?? null;
    this.phase = 'connecting';
    this.transition('connecting', null, `connecting to ${primary.url}`);
    const routes: LinkRoute[] = this.secondaryUrl ? ['primary', 'secondary'] : ['primary'];
    let last: { code: string; reason: string } = { code: ErrorCode.LINK_DOWN, reason: 'no route tried' };
    let refused = false;
    for (let round = 1; !refused; round++) {
      const timeoutMs = attemptTimeoutMs(round, this.policy);
      if (round > 1) await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(round, this.policy, this.random)).unref());
      for (const route of routes) {
        if (generation !== this.generation || this.phase !== 'connecting') break;
        const result = await this.attemptRoute(route, undefined, false, timeoutMs);
        if (result.ok) return result.welcome;
        last = result;
        refused = result.refused;
        if (refused) break;
      }
      if (generation !== this.generation || this.phase !== 'connecting' || timeoutMs >= this.policy.attemptTimeoutCapMs) break;
    }
    if (generation !== this.generation) throw new LarmorError(ErrorCode.LINK_DOWN, 'superseded by a newer connect or a disconnect');
    if (this.phase === 'connecting') {
      this.phase = 'offline';
      this.route = null;
      this.transition('offline', last.code, last.reason);
    }
    throw new LarmorError(codeOf(last, ErrorCode.LINK_DOWN), last.reason);
  }

  get isReadingHeld(): boolean {
    return this.readingHeld;
  }

  /**
   * Stop reading the live link while the core cannot keep up with what it sends (images waiting
   * for their decoder), and read it again: the gateway's send queue takes the wait, and the
   * health monitor does not take it for the gateway's silence. A link opened meanwhile is held
   * from its welcome on.
   */
  holdReading(held: boolean): void {
    if (held === this.readingHeld) return;
    this.readingHeld = held;
    if (this.phase !== 'live' || !this.link) return;
    this.link.readFrames(!held);
    this.monitor?.holdReading(held, performance.now());
    if (held) this.samples = this.samples.filter((s) => s.settled); // as the monitor's pings
  }

  /**
   * Drop the live link and reconnect as after any lost link (resuming from the core's last event
   * number): for a link whose stream can no longer be trusted, e.g. events numbered out of step.
   */
  resync(code: string, reason: string): void {
    if (this.phase !== 'live' || this.link === null) return;
    this.link.abandon(code, reason);
  }

  /** User disconnect (code null) or teardown: no reconnecting. */
  stop(code: string | null, reason = 'disconnected by user'): void {
    this.generation++;
    this.clearTimers();
    const link = this.link;
    this.link = null;
    this.monitor = null;
    link?.close();
    this.outageStart = null;
    this.outageSince = null;
    this.nextAttempt = null;
    if (this.phase !== 'offline') {
      this.phase = 'offline';
      this.route = null;
      this.transition('offline', code, reason);
    }
  }

  send(message: Parameters<GatewayLink['send']>[0]): boolean {
    return this.phase === 'live' && this.link !== null && this.link.send(message);
  }

  view(): HealthView {
    const base = offlineHealth(this.thresholds);
    const now = performance.now();
    const a = this.phase === 'live' && this.monitor ? this.monitor.assess(now).figures : null;
    return {
      ...base,
      state: this.state,
      since: this.stateSince,
      outageSince: this.outageSince,
      cause: this.cause,
      route: this.route,
      url: this.route === 'secondary' ? this.secondaryUrl : (this.primary?.url ?? null),
      failedOver: this.phase === 'live' && this.route === 'secondary',
      hasSecondary: this.secondaryUrl !== null,
      rttMs: a?.rttMs === null || a === null ? null : round1(a.rttMs),
      jitterMs: a?.jitterMs === null || a === null ? null : round1(a.jitterMs),
      lossPct: a?.lossPct === null || a === null ? null : round1(a.lossPct),
      silenceMs: a ? Math.round(a.silenceMs) : null,
      lostAfterMs: a ? Math.round(a.lostAfterMs) : this.thresholds.lostFloorMs,
      reconnect:
        this.phase === 'reconnecting' || this.phase === 'failed'
          ? {
              attempt: this.attempt,
              nextAttemptAt: this.nextAttempt ? new Date(performance.timeOrigin + this.nextAttempt.at).toISOString() : null,
              nextRoute: this.nextAttempt?.route ?? null,
              giveUpAt: this.outageStart !== null ? new Date(performance.timeOrigin + this.outageStart + this.policy.budgetMs).toISOString() : null,
            }
          : null,
      samples: this.graphSamples(now),
    };
  }

  // ------------------------------------------------------------------ one attempt on one route

  private attemptRoute(
    route: LinkRoute,
    resume: ResumePoint | undefined,
    reconnect: boolean,
    welcomeTimeoutMs: number,
  ): Promise<{ ok: true; welcome: WelcomeMessage } | { ok: false; code: string; reason: string; refused: boolean }> {
    const primary = this.primary!;
    const target: LinkTarget = { ...primary, url: route === 'secondary' ? this.secondaryUrl! : primary.url };
    const link = new GatewayLink(target, {
      resume,
      heartbeatMs: this.thresholds.heartbeatMs,
      welcomeTimeoutMs,
      linkTls: this.options.linkTls,
    });
    this.link = link;
    this.route = route;
    return new Promise((resolve) => {
      let welcomed = false;
      link.on('welcome', (welcome) => {
        if (this.link !== link) return;
        welcomed = true;
        this.goLive(link, route);
        this.emit('welcome', { welcome, route, resume, reconnect });
        resolve({ ok: true, welcome });
      });
      link.on('message', (m) => this.link === link && this.emit('message', m));
      link.on('binary', (b) => this.link === link && this.emit('binary', b));
      link.on('protocol-error', (e) => this.link === link && this.emit('protocol-error', e));
      link.on('rx', (t) => this.link === link && this.monitor?.frameReceived(t));
      link.on('ping', ({ sentAt }) => {
        if (this.link !== link) return;
        this.monitor?.pingSent(sentAt);
        if (this.readingHeld) return; // its pong will be read late: no point for the graph
        this.samples.push({ at: Math.round(performance.timeOrigin + sentAt), rttMs: null, sentMono: sentAt, settled: false });
        if (this.samples.length > GRAPH_SAMPLES) this.samples.shift();
      });
      link.on('pong', ({ rttMs, sentAt }) => {
        if (this.link !== link) return;
        const now = performance.now();
        this.monitor?.pongReceived(sentAt, now);
        const sample = this.samples.find((s) => s.sentMono === sentAt);
        if (sample && !sample.settled) Object.assign(sample, { rttMs: rttMs <= this.thresholds.pongTimeoutMs ? round1(rttMs) : null, settled: true });
        this.judge();
      });
      link.on('closed', ({ code, reason, refused }) => {
        if (!welcomed) {
          // Resolve even when superseded (user disconnect mid-attempt), so no caller hangs.
          if (this.link === link) this.link = null;
          resolve({ ok: false, code: code ?? ErrorCode.LINK_DOWN, reason, refused });
          return;
        }
        if (this.link === link) this.linkDown(code ?? ErrorCode.LINK_DOWN, reason);
      });
      link.open();
    });
  }

  private goLive(link: GatewayLink, route: LinkRoute): void {
    this.clearTimers();
    this.phase = 'live';
    this.monitor = new LinkHealthMonitor(this.thresholds, performance.now());
    if (this.readingHeld) {
      link.readFrames(false);
      this.monitor.holdReading(true, performance.now());
    }
    this.lastVerdictReason = 'welcomed';
    const wasOutage = this.outageStart !== null;
    this.outageStart = null;
    this.outageSince = null;
    this.nextAttempt = null;
    this.transition('healthy', null, wasOutage ? `reconnected on the ${route} route after ${this.attempt} attempt(s)` : `connected on the ${route} route`);
    this.attempt = 0;
    this.stalls = new StalledTicks(TICK_MS, STALLED_TICK_MS, performance.now());
    this.tick = setInterval(() => this.judge(), TICK_MS);
    this.tick.unref();
  }

  /** Judge the live link now: a silent cut becomes `lost` here. */
  private judge(): void {
    if (this.phase !== 'live' || !this.monitor || !this.link) return;
    const now = performance.now();
    const stalled = this.stalls.stalledMs(now);
    if (stalled > 0) this.monitor.excuseStall(stalled);
    const assessment = this.monitor.assess(now);
    if (assessment.verdict === 'lost') {
      this.link.abandon(ErrorCode.HEARTBEAT_LOST, assessment.reason);
      return;
    }
    this.lastVerdictReason = assessment.reason;
    if (assessment.verdict !== this.state) this.transition(assessment.verdict, null, assessment.reason);
    else if (performance.now() - this.lastPublish >= PUBLISH_MS) this.publish();
  }

  // ------------------------------------------------------------------ loss and reconnecting

  private linkDown(code: string, reason: string): void {
    const figures = this.monitor?.assess(performance.now()).figures;
    this.clearTimers();
    this.link = null;
    this.monitor = null;
    this.phase = 'reconnecting';
    this.outageStart = performance.now();
    this.outageSince = new Date().toISOString();
    this.cause = { code, message: reason };
    this.refusalsSaid.clear();
    this.lostRoute = this.route ?? 'primary';
    this.transition('lost', code, reason, figures);
    this.emit('down', { code, reason });
    this.attempt = 0;
    this.scheduleAttempt();
  }

  private scheduleAttempt(): void {
    if (this.phase !== 'reconnecting') return;
    this.attempt++;
    const delay = backoffDelayMs(this.attempt, this.policy, this.random);
    const at = performance.now() + delay;
    if (this.outageStart !== null && at - this.outageStart > this.policy.budgetMs) {
      this.fail(
        ErrorCode.RECONNECT_EXHAUSTED,
        `no route answered within the reconnect budget of ${(this.policy.budgetMs / 1000).toFixed(1)} s (${this.attempt - 1} attempt(s))`,
      );
      return;
    }
    const route = this.routeForAttempt(this.attempt);
    this.nextAttempt = { at, route };
    if (this.state !== 'reconnecting') this.transition('reconnecting', this.cause?.code ?? null, `attempt ${this.attempt} on the ${route} route`);
    else this.publish();
    this.retry = setTimeout(() => void this.runAttempt(route), delay);
    this.retry.unref();
  }

  private async runAttempt(route: LinkRoute): Promise<void> {
    if (this.phase !== 'reconnecting') return;
    this.nextAttempt = null;
    const resume = this.resumePoint();
    const result = await this.attemptRoute(route, resume, true, attemptTimeoutMs(this.attempt, this.policy));
    if (result.ok || this.phase !== 'reconnecting') return;
    if (result.refused) {
      const next = this.afterRefusal(result.code, resume);
      if (next === null) {
        this.fail(result.code, `the gateway refused the reconnect: ${result.reason}`);
        return;
      }
      if (next === 'without-secret') this.spentSecret = resume!.secret!;
      // Said once per outage and refusal: a full gateway refuses every attempt alike.
      if (!this.refusalsSaid.has(result.code)) {
        this.refusalsSaid.add(result.code);
        this.emit('reconnect-refused', { code: result.code, reason: result.reason, next });
      }
    }
    this.scheduleAttempt();
  }

  /**
   * What a refused reconnect does next, or null to give up. A resume secret refused as already
   * used was taken by an attempt of ours whose welcome was lost on the way, for a session the
   * gateway still sees alive and answering (gateway/auth/resume-secrets.ts; a gateway of an
   * earlier version refuses it for any session still alive): the secret is spent, not the link.
   * A refusal for want of room, or for sessions started too fast (protocol/errors.ts
   * LATER_REFUSALS), passes with time: for want of room, as other sessions end, such a lost
   * attempt's among them.
   */
  private afterRefusal(code: string, resume: ResumePoint | undefined): ReconnectRefusal['next'] | null {
    if (code === ErrorCode.RESUME_REPLAYED && resume?.secret !== undefined) return 'without-secret';
    if (LATER_REFUSALS.has(code)) return 'later';
    return null;
  }

  /** Where the next attempt resumes: the core's point, without a secret the gateway refused as spent. */
  private resumePoint(): ResumePoint | undefined {
    const resume = this.options.resumeFrom();
    if (resume?.secret === undefined || resume.secret !== this.spentSecret) return resume;
    const { secret: _spent, ...rest } = resume;
    return rest;
  }

  /** Odd attempts go to the other route (the one just lost is the likely culprit), even ones back. */
  private routeForAttempt(attempt: number): LinkRoute {
    if (!this.secondaryUrl) return 'primary';
    const other: LinkRoute = this.lostRoute === 'primary' ? 'secondary' : 'primary';
    return attempt % 2 === 1 ? other : this.lostRoute;
  }

  private fail(code: string, reason: string): void {
    this.clearTimers();
    this.phase = 'failed';
    this.nextAttempt = null;
    const link = this.link;
    this.link = null;
    link?.abandon(code, reason);
    this.cause = { code, message: reason };
    this.transition('failed', code, reason);
    this.emit('failed', { code, reason });
  }

  // ------------------------------------------------------------------ reporting

  private transition(state: HealthState, code: string | null, reason: string, figures?: ReturnType<LinkHealthMonitor['assess']>['figures']): void {
    const from = this.state;
    this.state = state;
    this.stateSince = new Date().toISOString();
    if (state === 'connecting' || state === 'offline') this.cause = code ? { code, message: reason } : null;
    const f = figures ?? (this.phase === 'live' && this.monitor ? this.monitor.assess(performance.now()).figures : undefined);
    const record: HealthTransition = {
      type: 'health',
      state,
      from,
      at: this.stateSince,
      atMs: epochNow(),
      route: this.route,
      url: this.route === 'secondary' ? this.secondaryUrl : (this.primary?.url ?? null),
      code,
      reason,
      rttMs: f?.rttMs == null ? null : round1(f.rttMs),
      jitterMs: f?.jitterMs == null ? null : round1(f.jitterMs),
      lossPct: f?.lossPct == null ? null : round1(f.lossPct),
      silenceMs: f ? Math.round(f.silenceMs) : null,
      lostAfterMs: f ? Math.round(f.lostAfterMs) : null,
      attempt: state === 'reconnecting' ? this.attempt : null,
    };
    this.emit('transition', record);
    this.publish();
  }

  private publish(): void {
    this.lastPublish = performance.now();
    this.emit('health', this.view());
  }

  private graphSamples(now: number): HealthSample[] {
    const timeout = this.thresholds.pongTimeoutMs;
    for (const s of this.samples) if (!s.settled && now - s.sentMono >= timeout) s.settled = true;
    return this.samples.filter((s) => s.settled).map((s) => ({ at: s.at, rttMs: s.rttMs }));
  }

  private clearTimers(): void {
    if (this.tick) clearInterval(this.tick);
    if (this.retry) clearTimeout(this.retry);
    this.tick = null;
    this.retry = null;
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
