import { describe, expect, it } from 'vitest';
import { ErrorCode, type ImageFetchResultMessage } from '../../../protocol/index.js';
import { useGatewayFixture } from '../../helpers/gateway.js';

const f = useGatewayFixture();

describe('image.fetch from one session', () => {
  it('answers at most imageFetchBurst requests at once, refuses the rest with a code (audited folded), and the link stays up', async () => {
    await f.start({ heartbeatIntervalMs: 60_000, linkLimits: { imageFetchesPerSecond: 0.001, imageFetchBurst: 5, refusalAuditWindowMs: 600_000 } });
    const observer = await f.client('observer', 'Observer One');
    const uids = Array.from({ length: 480 }, (_, i) => `2.25.${'9'.repeat(100)}.${i}`);
    for (let i = 0; i < 40; i++) observer.sendJson({ type: 'image.fetch', id: `f-${i}`, request: { sopInstanceUids: uids } });
    await observer.next((m) => m.type === 'image.fetch.result' && m.id === 'f-39');
    const results = observer.messages.filter((m): m is ImageFetchResultMessage => m.type === 'image.fetch.result');
    expect(results.map((r) => r.code)).toEqual([...Array<string>(5).fill(ErrorCode.IMAGE_NOT_HELD), ...Array<string>(35).fill(ErrorCode.RATE_LIMITED)]);
    // A refused request is answered without the ids it asked for: what a peer that never reads is sent stays small.
    expect(results.slice(5).every((r) => r.unknown.length === 0 && r.queued === 0)).toBe(true);
    expect(f.gateway.store.auditTrail().filter((r) => r.code === ErrorCode.RATE_LIMITED)).toHaveLength(1);
    const from = observer.messages.length;
    observer.sendJson({ type: 'ping', t: 1 });
    await observer.next((m) => m.type === 'pong', from);
  });
});
