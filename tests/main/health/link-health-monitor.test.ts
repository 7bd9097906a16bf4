import { describe, expect, it } from 'vitest';
import { HEALTH_THRESHOLDS } from '../../../protocol/health.js';
import { LinkHealthMonitor } from '../../../main/health/link-health-monitor.js';
import { seededRandom } from '../../../base/common/random.js';

const T = HEALTH_THRESHOLDS;

/** Drive a monitor through `ms` of heartbeats answered after `rtt(i)` ms (null = never). */
function run(monitor: LinkHealthMonitor, from: number, ms: number, rtt: (i: number) => number | null): number {
  const pongs: { at: number; sentAt: number }[] = [];
  let t = from;
  for (let i = 0; t < from + ms; i++, t += T.heartbeatMs) {
    monitor.pingSent(t);
    const r = rtt(i);
    if (r !== null) pongs.push({ at: t + r, sentAt: t });
  }
  for (const p of pongs.sort((a, b) => a.at - b.at)) if (p.at <= from + ms) monitor.pongReceived(p.sentAt, p.at);
  return from + ms;
}

describe('LinkHealthMonitor', () => {
  it('calls a promptly answered heartbeat healthy, with its round trip', () => {
    const m = new LinkHealthMonitor(T, 0);
    const end = run(m, 0, 5000, () => 2);
    const a = m.assess(end);
    expect(a.verdict).toBe('healthy');
    expect(a.figures.rttMs).toBeCloseTo(2);
    expect(a.figures.lossPct).toBe(0);
  });

  it("does not count time this process was stalled as the gateway's silence", () => {
    const m = new LinkHealthMonitor(T, 0);
    const end = run(m, 0, 5000, () => 1);
    const stall = 3 * T.lostFloorMs;
    m.excuseStall(stall);
    expect(m.assess(end + stall + 50).verdict).not.toBe('lost');
    expect(m.assess(end + stall + T.lostFloorMs + 50).verdict).toBe('lost');
  });

  it('does not count the time this workstation held its reading as silence, nor pongs read late because of it', () => {
    const m = new LinkHealthMonitor(T, 0);
    let t = run(m, 0, 5000, () => 2);
    m.pingSent(t); // its pong waits unread through the hold
    m.holdReading(true, t + 1);
    const hold = 3 * T.lostFloorMs;
    for (let at = t + T.heartbeatMs; at < t + hold; at += T.heartbeatMs) m.pingSent(at); // still sent: the gateway expects them
    expect(m.assess(t + hold).verdict).toBe('healthy');
    m.holdReading(false, t + hold);
    // Reading again: every pong that waited arrives at once, long after its ping.
    for (let at = t; at < t + hold; at += T.heartbeatMs) m.pongReceived(at, t + hold + 5);
    const after = m.assess(t + hold + 10);
    expect(after.verdict).toBe('healthy');
    expect(after.figures.rttMs).toBeCloseTo(2);
    t = run(m, t + hold + 10, 3000, () => 2);
    expect(m.assess(t).figures.lostAfterMs).toBe(T.lostFloorMs); // the hold left no gap between pongs
    // Silence after the hold counts again.
    expect(m.assess(t + T.lostFloorMs + 50).verdict).toBe('lost');
  });

  it('declares the link lost once silence passes the floor on a steady link', () => {
    const m = new LinkHealthMonitor(T, 0);
    const end = run(m, 0, 5000, () => 1);
    expect(m.assess(end + T.lostFloorMs - 300).verdict).not.toBe('lost');
    const a = m.assess(end + T.lostFloorMs + 50);
    expect(a.verdict).toBe('lost');
    expect(a.figures.lostAfterMs).toBe(T.lostFloorMs);
    expect(a.reason).toMatch(/no frame from the gateway/);
  });

  it('counts unanswered heartbeats as loss and calls the link degraded', () => {
    const m = new LinkHealthMonitor(T, 0);
    const end = run(m, 0, 8000, (i) => (i % 5 === 0 ? null : 3));
    const a = m.assess(end + 10);
    expect(a.figures.lossPct).toBeGreaterThanOrEqual(15);
    expect(a.verdict).toBe('degraded');
  });

  it('calls a slow link degraded, not lost', () => {
    const m = new LinkHealthMonitor(T, 0);
    const end = run(m, 0, 6000, () => 600);
    const a = m.assess(end);
    expect(a.verdict).toBe('degraded');
    expect(a.reason).toMatch(/round trip/);
  });

  it('gives a jittery link a longer silence allowance than a steady one', () => {
    const random = seededRandom(7);
    const m = new LinkHealthMonitor(T, 0);
    const end = run(m, 0, 10_000, () => 50 + random() * 600);
    expect(m.assess(end).figures.lostAfterMs).toBeGreaterThan(T.lostFloorMs);
  });

  it('any frame counts as a sign of life', () => {
    const m = new LinkHealthMonitor(T, 0);
    m.frameReceived(900);
    expect(m.assess(1800).verdict).not.toBe('lost');
  });

  it('waits before calling a degraded link healthy again', () => {
    const m = new LinkHealthMonitor(T, 0);
    let t = run(m, 0, 3000, () => 700);
    expect(m.assess(t).verdict).toBe('degraded');
    // Good heartbeats from now on, judged every beat: record when each verdict was given.
    const verdicts: { at: number; verdict: string; problems: boolean }[] = [];
    for (let i = 0; i < 60; i++, t += T.heartbeatMs) {
      m.pingSent(t);
      m.pongReceived(t, t + 2);
      const a = m.assess(t + 2);
      verdicts.push({ at: t + 2, verdict: a.verdict, problems: !a.reason.startsWith('recovering') && a.verdict === 'degraded' });
    }
    const firstClean = verdicts.find((v) => !v.problems)!;
    const firstHealthy = verdicts.find((v) => v.verdict === 'healthy')!;
    expect(firstHealthy.at - firstClean.at).toBeGreaterThanOrEqual(T.recoverAfterMs);
  });
});
