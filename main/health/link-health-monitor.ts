import type { HealthSample, HealthThresholds } from '../../protocol/health.js';

/** What the monitor concludes about one live link at one instant. */
export type LiveVerdict = 'healthy' | 'degraded' | 'lost';

export interface HealthFigures {
  rttMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  silenceMs: number;
  lostAfterMs: number;
  /** Pings in the window whose fate is known (answered, or timed out). */
  settledPings: number;
}

export interface HealthAssessment {
  verdict: LiveVerdict;
  /** Why, in words, e.g. "no frame for 1012 ms (limit 1000 ms)". */
  reason: string;
  figures: HealthFigures;
}

interface Ping {
  sentAt: number;
  rttMs: number | null;
}

/**
 * Judges one live link from its heartbeat, with time passed in (monotonic ms), so it is a plain
 * state machine that tests drive without timers. The link feeds it pings sent, pongs and every
 * other frame received; the core asks `assess(now)` on a short tick.
 *
 * Loss of the link is silence: no frame of any kind for longer than an adaptive allowance
 * (see HealthThresholds). A clean close or reset is reported by the socket itself and does not
 * wait for this.
 */
export class LinkHealthMonitor {
  private pings: Ping[] = [];
  private pongArrivals: number[] = [];
  private lastRx: number;
  private verdict: LiveVerdict = 'healthy';
  private healthySince: number | null = null;
  /** Since when this workstation has stopped reading the link (holdReading), or null. */
  private heldSince: number | null = null;

  constructor(
    private readonly thresholds: HealthThresholds,
    startedAt: number,
  ) {
    this.lastRx = startedAt;
  }

  pingSent(sentAt: number): void {
    if (this.heldSince !== null) return; // its pong waits unread: its round trip says nothing of the link
    this.pings.push({ sentAt, rttMs: null });
  }

  pongReceived(sentAt: number, now: number): void {
    this.lastRx = now;
    const ping = this.pings.find((p) => p.sentAt === sentAt);
    if (!ping) return; // not counted (holdReading), or older than the window
    ping.rttMs = now - sentAt;
    this.pongArrivals.push(now);
  }

  /** Any frame from the gateway is a sign of life. */
  frameReceived(now: number): void {
    this.lastRx = now;
  }

  /**
   * This process did not run for `ms` (a long task, a starved machine): that time is not the
   * gateway's silence. What the gateway sent meanwhile waits unread in the socket, and Node reads
   * it only after the timers that judge the link have run (timers come before I/O in its loop).
   */
  excuseStall(ms: number): void {
    this.lastRx += ms;
  }

  /**
   * This workstation stops reading the link (its images wait for the decoder, LinkSupervisor
   * `holdReading`) or reads it again. While it does not read, what the gateway sends waits in the
   * socket: the silence is not the gateway's, and pongs then read late measure the hold, not the
   * link, so pings awaiting their pong, and pings sent meanwhile, are not counted.
   */
  holdReading(held: boolean, now: number): void {
    if (held === (this.heldSince !== null)) return;
    if (held) {
      this.heldSince = now;
      this.pings = this.pings.filter((p) => p.rttMs !== null || now - p.sentAt >= this.thresholds.pongTimeoutMs);
    } else {
      // The hold is taken out of the silence, as a stall is, and out of the gaps between pongs.
      const heldFor = now - this.heldSince!;
      this.excuseStall(heldFor);
      this.pongArrivals = this.pongArrivals.map((at) => at + heldFor);
      this.heldSince = null;
    }
  }

  assess(now: number): HealthAssessment {
    this.forget(now);
    const figures = this.figures(now);
    const t = this.thresholds;
    let verdict: LiveVerdict;
    let reason: string;
    if (figures.silenceMs > figures.lostAfterMs) {
      verdict = 'lost';
      reason = `no frame from the gateway for ${Math.round(figures.silenceMs)} ms (limit ${Math.round(figures.lostAfterMs)} ms)`;
    } else {
      const problems = this.problems(figures);
      if (problems.length > 0) {
        verdict = 'degraded';
        reason = problems.join('; ');
        this.healthySince = null;
      } else {
        this.healthySince ??= now;
        // Hysteresis: a degraded link is called healthy only after looking healthy for a while.
        const recovered = this.verdict !== 'degraded' || now - this.healthySince >= t.recoverAfterMs;
        verdict = recovered ? 'healthy' : 'degraded';
        reason = recovered ? 'heartbeat answered in time' : `recovering (healthy for ${Math.round(now - this.healthySince)} ms)`;
      }
    }
    if (this.verdict !== 'lost') this.verdict = verdict;
    return { verdict, reason, figures };
  }

  /** Recent heartbeats for the graph, epoch-based `at` via `toEpoch`. */
  samples(now: number, toEpoch: (monotonic: number) => number): HealthSample[] {
    this.forget(now);
    return this.pings
      .filter((p) => p.rttMs !== null || now - p.sentAt >= this.thresholds.pongTimeoutMs)
      .map((p) => ({ at: Math.round(toEpoch(p.sentAt)), rttMs: p.rttMs === null || p.rttMs > this.thresholds.pongTimeoutMs ? null : round1(p.rttMs) }));
  }

  private problems(f: HealthFigures): string[] {
    const t = this.thresholds;
    const out: string[] = [];
    if (f.silenceMs > t.degradedSilenceMs) out.push(`no frame for ${Math.round(f.silenceMs)} ms`);
    if (f.rttMs !== null && f.rttMs > t.degradedRttMs) out.push(`round trip ${Math.round(f.rttMs)} ms`);
    if (f.jitterMs !== null && f.jitterMs > t.degradedJitterMs) out.push(`jitter ${Math.round(f.jitterMs)} ms`);
    if (f.lossPct !== null && f.lossPct >= t.degradedLossPct && f.settledPings >= 10) out.push(`${Math.round(f.lossPct)}% heartbeats lost`);
    return out;
  }

  private figures(now: number): HealthFigures {
    const t = this.thresholds;
    // A ping's fate is known once answered or once its timeout has passed.
    const settled = this.pings.filter((p) => p.rttMs !== null || now - p.sentAt >= t.pongTimeoutMs);
    const inTime = settled.filter((p) => p.rttMs !== null && p.rttMs <= t.pongTimeoutMs);
    const rtts = settled.filter((p) => p.rttMs !== null).map((p) => p.rttMs as number);
    const rttMs = rtts.length ? mean(rtts) : null;
    const jitterMs = rtts.length >= 2 ? mean(rtts.slice(1).map((r, i) => Math.abs(r - rtts[i]))) : null;
    const lossPct = settled.length ? (100 * (settled.length - inTime.length)) / settled.length : null;
    return { rttMs, jitterMs, lossPct, silenceMs: (this.heldSince ?? now) - this.lastRx, lostAfterMs: this.lostAfter(), settledPings: settled.length };
  }

  /** Adaptive silence allowance: mean pong gap + k standard deviations, clamped. */
  private lostAfter(): number {
    const t = this.thresholds;
    const a = this.pongArrivals;
    if (a.length < 4) return t.lostFloorMs;
    const gaps = a.slice(1).map((x, i) => x - a[i]);
    const m = mean(gaps);
    const sd = Math.sqrt(mean(gaps.map((g) => (g - m) ** 2)));
    return Math.min(t.lostCeilingMs, Math.max(t.lostFloorMs, m + t.lostGapSigmas * sd));
  }

  private forget(now: number): void {
    const horizon = now - this.thresholds.windowMs;
    while (this.pings.length && this.pings[0].sentAt < horizon) this.pings.shift();
    while (this.pongArrivals.length && this.pongArrivals[0] < horizon) this.pongArrivals.shift();
  }
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
