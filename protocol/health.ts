/**
 * Link health as the workstation core judges it and the renderer shows it (docs/architecture.md
 * "Link health"). The core
 * measures; the failover banner and the RTT/loss graph are pure functions of `HealthView`.
 */

/**
 * - `offline`: no session (never connected, or the user disconnected).
 * - `connecting`: first connection of a session, not yet welcomed.
 * - `healthy` / `degraded`: welcomed, heartbeat answered; degraded = slow, jittery, lossy or
 *   briefly silent, still usable.
 * - `lost`: the link is judged dead (closed, reset, or silent past the loss threshold).
 * - `reconnecting`: lost, and the core is trying the primary and secondary routes with backoff.
 * - `failed`: the reconnect budget is spent (or the gateway refused a reconnect); nothing more
 *   is tried until the user connects again.
 */
export type HealthState = 'offline' | 'connecting' | 'healthy' | 'degraded' | 'lost' | 'reconnecting' | 'failed';

export type LinkRoute = 'primary' | 'secondary';

/**
 * Every threshold that decides a health state, in one place. The heartbeat is an application
 * ping answered at once by the gateway; figures are over a sliding window of recent pings.
 */
export interface HealthThresholds {
  /** Heartbeat period. Sets the floor on detection time: silence is noticed only between pings. */
  heartbeatMs: number;
  /** Sliding window the RTT, jitter and loss figures are computed over. */
  windowMs: number;
  /** A ping without its pong after this long counts as lost (a late pong still gives an RTT). */
  pongTimeoutMs: number;
  /**
   * Silence (no frame of any kind) that declares the link lost is adaptive, like a phi-accrual
   * detector (Hayashibara et al. 2004) and TCP's RTO (RFC 6298): mean pong inter-arrival gap
   * plus `lostGapSigmas` standard deviations, clamped to [lostFloorMs, lostCeilingMs]. On a
   * steady link the floor applies; a jittery link earns a longer allowance instead of false
   * alarms.
   */
  lostFloorMs: number;
  lostCeilingMs: number;
  lostGapSigmas: number;
  /** Silence that already makes the link degraded (well below the loss threshold). */
  degradedSilenceMs: number;
  /** Mean RTT over the window above which the link is degraded. */
  degradedRttMs: number;
  /** Mean RTT variation (|RTT(n) - RTT(n-1)|, RFC 3550 style) above which it is degraded. */
  degradedJitterMs: number;
  /** Lost heartbeat share (percent) at or above which it is degraded. */
  degradedLossPct: number;
  /** A degraded link must look healthy this long before it is called healthy again (no flapping). */
  recoverAfterMs: number;
}

export const HEALTH_THRESHOLDS: HealthThresholds = {
  heartbeatMs: 250,
  windowMs: 10_000,
  pongTimeoutMs: 1_000,
  lostFloorMs: 1_000,
  lostCeilingMs: 5_000,
  lostGapSigmas: 6,
  degradedSilenceMs: 600,
  degradedRttMs: 400,
  degradedJitterMs: 150,
  degradedLossPct: 5,
  recoverAfterMs: 2_000,
};

/** Reconnect policy: exponential backoff with full jitter, alternating routes. */
export interface ReconnectPolicy {
  /** First backoff ceiling; attempt n waits uniform(0, min(cap, base * 2^(n-2))); attempt 1 is immediate. */
  baseDelayMs: number;
  capDelayMs: number;
  /** Time to wait for the gateway's welcome on the first attempt before trying the next. */
  attemptTimeoutMs: number;
  /**
   * Each later attempt waits twice as long as the one before, up to this. Opening a link takes
   * two round trips after the TCP connection (the WebSocket upgrade, then hello and welcome):
   * 1.6 s on a VPN with 800 ms of round trip, which a fixed 1.5 s would never let in, while a
   * dead route is still left quickly the first time. A first connection tries each route once
   * per wait, up to and including this one, before it says the site is not reachable.
   */
  attemptTimeoutCapMs: number;
  /** Total time the core keeps trying after a loss before giving up (state `failed`). */
  budgetMs: number;
}

export const RECONNECT_POLICY: ReconnectPolicy = {
  baseDelayMs: 250,
  capDelayMs: 5_000,
  attemptTimeoutMs: 1_500,
  attemptTimeoutCapMs: 6_000,
  budgetMs: 120_000,
};

/**
 * A command whose outcome is unknown after a reconnect is resent (same id, applied once) only
 * while it is younger than this; an older one is looked up with `command.status` instead, since a
 * scanner command that first arrives this late (a scan.start minutes on) is not what the user
 * meant. Commands left by an earlier run of the workstation are always looked up, never resent.
 */
export const COMMAND_RESEND_MAX_AGE_MS = 30_000;

/** One heartbeat for the live graph: `rttMs` null = lost (no pong within the timeout). */
export interface HealthSample {
  /** Epoch ms the ping was sent. */
  at: number;
  rttMs: number | null;
}

export interface HealthView {
  state: HealthState;
  /** ISO time the current state began. */
  since: string | null;
  /** ISO time the current outage began (first `lost`), kept through `reconnecting`; null when live. */
  outageSince: string | null;
  /** What ended the last live link, with its code, e.g. "no frame for 1020 ms". */
  cause: { code: string; message: string } | null;
  route: LinkRoute | null;
  url: string | null;
  /** Live on the secondary route because the primary failed. */
  failedOver: boolean;
  hasSecondary: boolean;
  rttMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  /** Time since the last frame of any kind from the gateway. */
  silenceMs: number | null;
  /** Silence that would declare the link lost right now (adaptive, see HealthThresholds). */
  lostAfterMs: number;
  reconnect: { attempt: number; nextAttemptAt: string | null; nextRoute: LinkRoute | null; giveUpAt: string | null } | null;
  /** Recent heartbeats, oldest first, for the RTT/loss graph. */
  samples: HealthSample[];
  thresholds: HealthThresholds;
  /**
   * The call's own health as this workstation's media panes judge it (no frames for a while,
   * ICE failed), folded into the link-health model; absent while there is no call.
   */
  media?: MediaHealthView | null;
}

export interface MediaHealthView {
  health: 'ok' | 'degraded' | 'failed';
  reason: string | null;
  /** ISO time this media health began. */
  since: string;
}

export function offlineHealth(thresholds: HealthThresholds = HEALTH_THRESHOLDS): HealthView {
  return {
    state: 'offline',
    since: null,
    outageSince: null,
    cause: null,
    route: null,
    url: null,
    failedOver: false,
    hasSecondary: false,
    rttMs: null,
    jitterMs: null,
    lossPct: null,
    silenceMs: null,
    lostAfterMs: thresholds.lostFloorMs,
    reconnect: null,
    samples: [],
    thresholds,
  };
}
