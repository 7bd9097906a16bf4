import { describe, expect, it } from 'vitest';
import type { MediaRoomMessage, MediaState } from '../../../protocol/index.js';
import { useGatewayFixture } from '../../helpers/gateway.js';

const f = useGatewayFixture();

const STATE: MediaState = { audio: true, video: true, intercom: false, health: 'ok', healthReason: null };

const healthRows = () => f.gateway.store.auditTrail().filter((r) => r.action === 'media health');

describe("a media room member's health in the audit trail", () => {
  it('writes a flapping health as the first change and one row with the count, not a row per change', async () => {
    await f.start({ heartbeatIntervalMs: 60_000, linkLimits: { refusalAuditWindowMs: 600_000 } });
    const c = await f.client('operator', 'Remote Tech');
    c.sendJson({ type: 'media.join', state: STATE });
    await c.next<MediaRoomMessage>((m) => m.type === 'media.room');
    for (let i = 0; i < 200; i++) {
      const health = i % 2 === 0 ? 'degraded' : 'ok';
      c.sendJson({ type: 'media.state', state: { ...STATE, health, healthReason: health === 'ok' ? null : `Onsite Tech: frames stalled ${i}` } });
    }
    c.sendJson({ type: 'media.state', state: { ...STATE, health: 'failed', healthReason: 'Onsite Tech: ICE failed' } });
    const from = c.messages.length;
    c.sendJson({ type: 'ping', t: 1 });
    await c.next((m) => m.type === 'pong', from);
    // Within the window: the first change only.
    expect(healthRows()).toEqual([expect.objectContaining({ decision: 'degraded', detail: { reason: 'Onsite Tech: frames stalled 0' } })]);
    // Leaving ends the window: the 200 changes after the first in one row, with where they left the member.
    c.sendJson({ type: 'media.leave' });
    await expect.poll(() => healthRows().length).toBe(2);
    expect(healthRows()[1]).toMatchObject({ decision: 'failed', detail: { reason: 'Onsite Tech: ICE failed', changes: 200 } });
  });

  it('writes the changes counted in a window when it ends, while the member stays', async () => {
    // Longer than two messages sent back to back take to arrive, even on a loaded machine.
    await f.start({ heartbeatIntervalMs: 60_000, linkLimits: { refusalAuditWindowMs: 1000 } });
    const c = await f.client('onsite', 'Onsite Tech');
    c.sendJson({ type: 'media.join', state: STATE });
    await c.next<MediaRoomMessage>((m) => m.type === 'media.room');
    c.sendJson({ type: 'media.state', state: { ...STATE, health: 'degraded', healthReason: 'Remote Tech: no frames' } });
    c.sendJson({ type: 'media.state', state: { ...STATE, health: 'ok', healthReason: null } });
    await expect
      .poll(() => healthRows().map((r) => [r.decision, (r.detail as { changes?: number }).changes ?? 0]), { timeout: 30_000 })
      .toEqual([
        ['degraded', 0],
        ['ok', 1],
      ]);
  });
});
