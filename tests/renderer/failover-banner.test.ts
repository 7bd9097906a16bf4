import { describe, expect, it } from 'vitest';
import { HEALTH_THRESHOLDS, offlineHealth, type HealthView } from '../../protocol/health.js';
import { formatElapsed, graphGeometry, presentFailoverBanner } from '../../renderer/src/logic/failover-banner.js';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const POLICY = {
  onOperatorLoss: 'The running sequence completes; nothing new starts',
  fallbackInstructions: 'Call the MR control room on 555-0100.',
  controlGraceS: 60,
};

function health(extra: Partial<HealthView>): HealthView {
  return { ...offlineHealth(), hasSecondary: true, route: 'primary', ...extra };
}

const lost = health({
  state: 'reconnecting',
  since: '2026-01-01T10:00:00.100Z',
  outageSince: '2026-01-01T10:00:00.000Z',
  cause: { code: 'LARMOR_E_HEARTBEAT_LOST', message: 'no frame from the gateway for 1012 ms (limit 1000 ms)' },
  reconnect: { attempt: 3, nextAttemptAt: '2026-01-01T10:00:14.000Z', nextRoute: 'secondary', giveUpAt: '2026-01-01T10:02:00.000Z' },
});

describe('presentFailoverBanner', () => {
  it('warns when the call failed while scanner control is healthy, and says control is unaffected', () => {
    const b = presentFailoverBanner({
      health: health({ state: 'healthy', media: { health: 'failed', reason: 'no video frames for 5 s', since: '2026-01-01T10:00:00.000Z' } }),
      policy: POLICY,
      now: T0 + 7_000,
    })!;
    expect(b.tone).toBe('warn');
    expect(b.headline).toBe('Audio/video with the scanner room failed');
    expect(b.duration).toBe('for 7 s');
    expect(b.cause).toBe('no video frames for 5 s');
    expect(b.commands).toMatch(/unaffected/);
  });

  it('shows nothing for a healthy call on a healthy link', () => {
    const ok = health({ state: 'healthy', media: { health: 'ok', reason: null, since: '2026-01-01T10:00:00.000Z' } });
    expect(presentFailoverBanner({ health: ok, policy: POLICY, now: T0 })).toBeNull();
  });

  it('shows nothing while healthy on the primary route, offline or connecting', () => {
    for (const state of ['healthy', 'offline', 'connecting'] as const) {
      expect(presentFailoverBanner({ health: health({ state }), policy: POLICY, now: T0 })).toBeNull();
    }
  });

  it('says the link is lost, for how long, and why, with the code', () => {
    const b = presentFailoverBanner({ health: lost, policy: POLICY, now: T0 + 12_400 })!;
    expect(b.tone).toBe('bad');
    expect(b.headline).toBe('Link to the scanner lost');
    expect(b.duration).toBe('for 12 s');
    expect(b.cause).toContain('LARMOR_E_HEARTBEAT_LOST');
  });

  it("states the gateway's policy, the control countdown and the site's fallback instructions", () => {
    const b = presentFailoverBanner({ health: lost, policy: POLICY, now: T0 + 12_000 })!;
    expect(b.scanner).toBe('Scanner: The running sequence completes; nothing new starts');
    expect(b.control).toBe('Scanner control returns to onsite staff in 48 s unless you reconnect.');
    expect(b.fallback).toBe('Call the MR control room on 555-0100.');
    const later = presentFailoverBanner({ health: lost, policy: POLICY, now: T0 + 61_000 })!;
    expect(later.control).toBe('Scanner control has returned to onsite staff.');
  });

  it('says which reconnect attempt comes next, on which route and when', () => {
    const b = presentFailoverBanner({ health: lost, policy: POLICY, now: T0 + 12_000 })!;
    expect(b.reconnect).toMatch(/^Attempt 3 on the backup route in 2 s/);
  });

  it('tells the user commands are refused, not queued, while the link is down', () => {
    const b = presentFailoverBanner({ health: lost, policy: POLICY, now: T0 })!;
    expect(b.commands).toMatch(/refused until the link is back \(not queued\)/);
  });

  it('says reconnecting has stopped when the budget ran out', () => {
    const b = presentFailoverBanner({ health: { ...lost, state: 'failed', reconnect: { ...lost.reconnect!, nextAttemptAt: null } }, policy: POLICY, now: T0 })!;
    expect(b.headline).toMatch(/not restored/);
    expect(b.reconnect).toMatch(/stopped/);
  });

  it('still explains the loss before any welcome brought a policy', () => {
    const b = presentFailoverBanner({ health: lost, policy: null, now: T0 })!;
    expect(b.scanner).toBeNull();
    expect(b.fallback).toBeNull();
    expect(b.headline).toBe('Link to the scanner lost');
  });

  it('warns of a degraded link with the figure past its threshold', () => {
    const b = presentFailoverBanner({
      health: health({ state: 'degraded', since: '2026-01-01T10:00:00Z', rttMs: 620, jitterMs: 20, lossPct: 0 }),
      policy: POLICY,
      now: T0 + 3000,
    })!;
    expect(b.tone).toBe('warn');
    expect(b.cause).toMatch(/slow round trip \(620 ms > 400 ms\)/);
    expect(b.figures).toBe('RTT 620 ms · jitter 20 ms · loss 0%');
  });

  it('tells the user when the session runs on the backup route', () => {
    const b = presentFailoverBanner({
      health: health({
        state: 'healthy',
        route: 'secondary',
        failedOver: true,
        since: '2026-01-01T10:00:00Z',
        cause: { code: 'LARMOR_E_HEARTBEAT_LOST', message: 'silence' },
      }),
      policy: POLICY,
      now: T0 + 65_000,
    })!;
    expect(b).toMatchObject({ tone: 'info', headline: 'On the backup route', duration: 'for 1 min 05 s' });
  });

  it('is a pure function: same input, same output', () => {
    const input = { health: lost, policy: POLICY, now: T0 + 5000 };
    expect(presentFailoverBanner(input)).toEqual(presentFailoverBanner(input));
  });
});

describe('formatElapsed', () => {
  it('reads seconds, minutes and hours', () => {
    expect(formatElapsed(999)).toBe('0 s');
    expect(formatElapsed(59_000)).toBe('59 s');
    expect(formatElapsed(125_000)).toBe('2 min 05 s');
    expect(formatElapsed(3_720_000)).toBe('1 h 02 min');
  });
});

describe('graphGeometry', () => {
  it('draws answered heartbeats as lines broken by losses, on a scale that includes the threshold', () => {
    const samples = [
      { at: T0 - 3000, rttMs: 10 },
      { at: T0 - 2000, rttMs: 20 },
      { at: T0 - 1000, rttMs: null },
      { at: T0, rttMs: 10 },
    ];
    const g = graphGeometry(samples, T0, 4000, 100, 20, HEALTH_THRESHOLDS.degradedRttMs);
    expect(g.lines).toHaveLength(2);
    expect(g.losses).toEqual([75]);
    expect(g.maxRttMs).toBe(HEALTH_THRESHOLDS.degradedRttMs * 1.25);
    expect(g.thresholdY).toBeCloseTo(4);
  });

  it('leaves out samples older than the span', () => {
    const g = graphGeometry([{ at: T0 - 10_000, rttMs: 5 }], T0, 4000, 100, 20, 400);
    expect(g.lines).toEqual([]);
  });
});
