import type { LinkPolicy } from '../../../protocol/messages.js';
import type { HealthSample, HealthView, LinkRoute } from '../../../protocol/health.js';

type BannerTone = 'bad' | 'warn' | 'info';

/** Everything the failover banner says; null fields are not shown. */
export interface FailoverBannerContent {
  tone: BannerTone;
  /** A glyph that differs in shape per tone (colour is never the only cue). */
  icon: string;
  /** What happened, in a few words. */
  headline: string;
  /** For how long, e.g. "for 12 s". */
  duration: string | null;
  /** Why, with the stable code. */
  cause: string | null;
  /** What the gateway's policy does about the scanner right now (from its welcome). */
  scanner: string | null;
  /** When control returns to onsite staff, counted down from the outage start. */
  control: string | null;
  /** The site's fallback instructions (who to call). */
  fallback: string | null;
  /** What the workstation is doing about it. */
  reconnect: string | null;
  /** What happens to commands. */
  commands: string | null;
  /** Current link figures. */
  figures: string | null;
}

export interface BannerInput {
  health: HealthView;
  /** The gateway's link policy, from its welcome (null before the first welcome). */
  policy: LinkPolicy | null;
  /** Epoch ms "now", passed in so the function stays pure. */
  now: number;
}

/**
 * The failover banner as a pure function of the link-health state (HOUSE-STYLE "State and UI").
 * Null when there is nothing to say (healthy on the primary route, offline, first connect).
 */
export function presentFailoverBanner({ health, policy, now }: BannerInput): FailoverBannerContent | null {
  const figures = formatFigures(health);
  switch (health.state) {
    case 'offline':
    case 'connecting':
      return null;
    case 'healthy':
      if (health.media && health.media.health !== 'ok') return mediaBanner(health, now, figures);
      if (!health.failedOver) return null;
      return {
        ...EMPTY,
        tone: 'info',
        icon: '⇄',
        headline: 'On the backup route',
        duration: since(health.since, now),
        cause: health.cause ? `The primary route failed: ${describeCause(health.cause)}` : 'The primary route failed.',
        commands: 'Commands work normally.',
        figures,
      };
    case 'degraded':
      return {
        ...EMPTY,
        tone: 'warn',
        icon: '◆',
        headline: `Link degraded${health.route === 'secondary' ? ' (backup route)' : ''}`,
        duration: since(health.since, now),
        cause: degradedWhy(health),
        commands: 'Commands still go through; expect delays. The link is declared lost after ' + `${Math.round(health.lostAfterMs)} ms of silence.`,
        figures,
      };
    case 'lost':
    case 'reconnecting':
    case 'failed': {
      const outageStart = health.outageSince ?? health.since;
      const failed = health.state === 'failed';
      return {
        tone: 'bad',
        icon: '▲',
        headline: failed ? 'Link to the scanner lost — not restored' : 'Link to the scanner lost',
        duration: since(outageStart, now),
        cause: health.cause ? describeCause(health.cause) : null,
        scanner: policy ? `Scanner: ${policy.onOperatorLoss}` : null,
        control: policy ? controlCountdown(policy, outageStart, now) : null,
        fallback: policy ? policy.fallbackInstructions : null,
        reconnect: failed ? 'Reconnecting has stopped. Connect again when the network is back.' : reconnectText(health, now),
        commands: failed
          ? 'Scanner commands are refused. Commands sent before the loss are confirmed with the gateway at the next connection.'
          : 'Scanner commands are refused until the link is back (not queued). Commands already sent are confirmed after the reconnect.',
        figures: null,
      };
    }
  }
}

/** The control link is fine but the call is not: say so, without alarming about scanner control. */
function mediaBanner(health: HealthView, now: number, figures: string | null): FailoverBannerContent {
  const media = health.media!;
  return {
    ...EMPTY,
    tone: 'warn',
    icon: '◆',
    headline: media.health === 'failed' ? 'Audio/video with the scanner room failed' : 'Audio/video with the scanner room degraded',
    duration: since(media.since, now),
    cause: media.reason,
    reconnect: 'The call reconnects on its own (ICE restart). Use the site phone to reach onsite staff meanwhile.',
    commands: 'Scanner control is unaffected: commands work normally.',
    figures,
  };
}

const EMPTY: Omit<FailoverBannerContent, 'tone' | 'icon' | 'headline'> = {
  duration: null,
  cause: null,
  scanner: null,
  control: null,
  fallback: null,
  reconnect: null,
  commands: null,
  figures: null,
};

/** "12 s", "2 min 05 s", "1 h 02 min". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatFigures(health: Pick<HealthView, 'rttMs' | 'jitterMs' | 'lossPct'>): string | null {
  if (health.rttMs === null && health.lossPct === null) return null;
  const parts: string[] = [];
  if (health.rttMs !== null) parts.push(`RTT ${formatMs(health.rttMs)}`);
  if (health.jitterMs !== null) parts.push(`jitter ${formatMs(health.jitterMs)}`);
  if (health.lossPct !== null) parts.push(`loss ${Math.round(health.lossPct)}%`);
  return parts.join(' · ');
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function since(iso: string | null, now: number): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : `for ${formatElapsed(now - t)}`;
}

function describeCause(cause: { code: string; message: string }): string {
  return `${cause.message} (${cause.code})`;
}

function degradedWhy(h: HealthView): string {
  const t = h.thresholds;
  const why: string[] = [];
  if (h.rttMs !== null && h.rttMs > t.degradedRttMs) why.push(`slow round trip (${formatMs(h.rttMs)} > ${t.degradedRttMs} ms)`);
  if (h.jitterMs !== null && h.jitterMs > t.degradedJitterMs) why.push(`unsteady (jitter ${formatMs(h.jitterMs)} > ${t.degradedJitterMs} ms)`);
  if (h.lossPct !== null && h.lossPct >= t.degradedLossPct) why.push(`heartbeats lost (${Math.round(h.lossPct)}% ≥ ${t.degradedLossPct}%)`);
  if (h.silenceMs !== null && h.silenceMs > t.degradedSilenceMs) why.push(`no frame for ${Math.round(h.silenceMs)} ms`);
  return why.length ? why.join('; ') : 'recovering: waiting for the link to stay steady';
}

function controlCountdown(policy: LinkPolicy, outageStart: string | null, now: number): string {
  const start = outageStart ? Date.parse(outageStart) : now;
  const left = policy.controlGraceS * 1000 - (now - start);
  return left > 0
    ? `Scanner control returns to onsite staff in ${formatElapsed(left + 999)} unless you reconnect.`
    : 'Scanner control has returned to onsite staff.';
}

function routeName(route: LinkRoute | null): string {
  return route === 'secondary' ? 'backup route' : 'primary route';
}

function reconnectText(h: HealthView, now: number): string {
  const r = h.reconnect;
  if (!r) return 'Reconnecting…';
  const parts: string[] = [];
  if (r.nextAttemptAt) {
    const wait = Date.parse(r.nextAttemptAt) - now;
    parts.push(`Attempt ${r.attempt} on the ${routeName(r.nextRoute)} ${wait > 500 ? `in ${formatElapsed(wait + 999)}` : 'now'}`);
  } else {
    parts.push(`Attempt ${r.attempt} on the ${routeName(h.route)} in progress`);
  }
  if (!h.hasSecondary) parts.push('no backup route configured');
  if (r.giveUpAt) parts.push(`giving up after ${formatElapsed(Date.parse(r.giveUpAt) - Date.parse(h.outageSince ?? r.giveUpAt))} of outage`);
  return `${parts.join('; ')}.`;
}

// ---------------------------------------------------------------- RTT / loss graph geometry

export interface GraphGeometry {
  /** SVG polyline points of answered heartbeats ("x,y x,y ..."); a loss breaks the line. */
  lines: string[];
  /** x of each lost heartbeat (drawn as a full-height mark). */
  losses: number[];
  /** RTT at the top of the graph, ms. */
  maxRttMs: number;
  /** y of the degraded-RTT threshold line. */
  thresholdY: number;
}

/**
 * Samples of the last `spanMs` onto a width x height box: time left to right, RTT bottom to top
 * on a scale that always includes the degraded threshold, so a flat line near the bottom reads
 * as "far below the limit" and not as "at the limit".
 */
export function graphGeometry(samples: HealthSample[], now: number, spanMs: number, width: number, height: number, degradedRttMs: number): GraphGeometry {
  const visible = samples.filter((s) => s.at >= now - spanMs && s.at <= now);
  const answered = visible.filter((s) => s.rttMs !== null).map((s) => s.rttMs as number);
  const maxRttMs = Math.max(degradedRttMs * 1.25, ...answered);
  const x = (at: number) => round1(((at - (now - spanMs)) / spanMs) * width);
  const y = (rtt: number) => round1(height - (Math.min(rtt, maxRttMs) / maxRttMs) * height);
  const lines: string[] = [];
  const losses: number[] = [];
  let current: string[] = [];
  for (const s of visible) {
    if (s.rttMs === null) {
      losses.push(x(s.at));
      if (current.length) lines.push(current.join(' '));
      current = [];
    } else {
      current.push(`${x(s.at)},${y(s.rttMs)}`);
    }
  }
  if (current.length) lines.push(current.join(' '));
  return { lines, losses, maxRttMs, thresholdY: y(degradedRttMs) };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
