import { describe, expect, it } from 'vitest';
import { ErrorCode, type CollabAction, type GatewayMessage } from '../../../protocol/index.js';
import { RawClient } from '../../helpers/gateway.js';
import { safetyFixture } from '../safety/support.js';

// Each piece of state a message carries has its own bound below the frame limit; these tests
// lower the gateway's message limit (link-limits.ts sendMessageBytes) to reach the net beneath.
const f = safetyFixture();

/** A mark of the most points a mark may have: about 7 KB of JSON. */
function bigMark(sopInstanceUid: string): CollabAction {
  const points = Array.from({ length: 512 }, (_, i) => [-65000.5 + i, -64000.5 + i] as [number, number]);
  return { name: 'mark.add', sopInstanceUid, shape: 'freehand', points };
}

function publishImage(uid: string): void {
  f.gateway.publishImage(
    { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: uid, seriesUid: '2.25.88', imagesInSeries: null },
    new Uint8Array(16),
  );
}

const notSent = () => f.gateway.store.auditTrail().filter((r) => r.code === ErrorCode.MESSAGE_UNDELIVERABLE);

describe('messages larger than a client accepts', () => {
  it('refuses a welcome too large to send, with a code the client shows, instead of a hello repeated forever', async () => {
    // A welcome is about 3 KB (the scanner's snapshot); 2 KiB is less.
    const gateway = await f.start({ linkLimits: { sendMessageBytes: 2048 } });
    const client = await RawClient.saidHello(gateway.url, 'observer', 'Trainer');
    const answer = await client.next((m) => m.type === 'refused');
    expect(answer).toMatchObject({ code: ErrorCode.MESSAGE_UNDELIVERABLE });
    expect(client.messages.some((m) => m.type === 'welcome')).toBe(false);
    expect((await client.closed).code).toBe(1008);
    // What was not sent, then the hello it refused, both on the account's row.
    expect(notSent()).toEqual([
      expect.objectContaining({
        action: 'send',
        decision: 'not sent',
        actor: 'Trainer',
        detail: expect.objectContaining({ type: 'welcome', limitBytes: 2048 }),
      }),
      expect.objectContaining({ action: 'hello', decision: 'refused', actor: 'Trainer' }),
    ]);
    // The gateway still answers whoever asks for what fits.
    const other = await RawClient.connect(gateway.url);
    other.sendJson({ type: 'ping', t: 1 });
    await other.next((m) => m.type === 'pong');
    other.close();
  });

  it("refuses an operator's welcome too large to send before control moves: nothing changes hands, nobody is told of a lost link", async () => {
    const gateway = await f.start({ autoGrantControl: true, linkLimits: { sendMessageBytes: 2048 } });
    const client = await RawClient.saidHello(gateway.url, 'operator', 'Remote Tech');
    expect(await client.next((m) => m.type === 'refused')).toMatchObject({ code: ErrorCode.MESSAGE_UNDELIVERABLE });
    await client.closed;
    // Past the refused session's close: were control granted, its loss would start the grace period.
    await expect.poll(() => gateway.snapshot().participants).toEqual([]);
    expect(gateway.snapshot().control.holderSessionId).toBeNull();
    expect(gateway.store.auditTrail().filter((r) => r.action === 'control')).toEqual([]);
    expect(notSent().slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'send', detail: expect.objectContaining({ type: 'welcome' }) }),
      expect.objectContaining({ action: 'hello', decision: 'refused' }),
    ]);
  });

  it('sends a joiner an error in place of catch-up state too large to send, and keeps its link', async () => {
    await f.start({ linkLimits: { sendMessageBytes: 16 * 1024 } });
    const { operator } = await f.readyToScan();
    // Two marks on each of two images: each image's marks event fits, the state of both does not.
    for (const uid of ['2.25.881', '2.25.882']) {
      publishImage(uid);
      for (let i = 0; i < 2; i++) expect(await operator.collab(bigMark(uid))).toMatchObject({ outcome: 'done' });
    }
    expect(notSent()).toEqual([]);
    const joiner = await f.client('observer', 'Trainer');
    const error = await joiner.next<Extract<GatewayMessage, { type: 'error' }>>((m) => m.type === 'error');
    expect(error.code).toBe(ErrorCode.MESSAGE_UNDELIVERABLE);
    expect(error.message).toMatch(/collab\.state message is \d+ bytes, over the 16384-byte limit/);
    expect(joiner.messages.some((m) => m.type === 'collab.state')).toBe(false);
    expect(notSent().at(-1)!.detail).toMatchObject({ type: 'collab.state' });
    joiner.sendJson({ type: 'ping', t: 2 });
    await joiner.next((m) => m.type === 'pong');
  });

  it('publishes no event too large to send, numbers none, and tells every client in a notice', async () => {
    await f.start({ linkLimits: { sendMessageBytes: 9 * 1024 } });
    const { operator } = await f.readyToScan();
    const observer = await f.client('observer', 'Trainer');
    publishImage('2.25.883');
    const before = f.gateway.events.lastSeq;
    // A mark of 512 points of five digits and a decimal is about 10 KB of JSON: its event is over 9 KiB.
    await operator.collab(bigMark('2.25.883'));
    const notice = await observer.next((m) => m.type === 'event' && m.body.kind === 'notice' && /too large/.test(m.body.text));
    expect(notice).toMatchObject({ body: { level: 'warning', text: expect.stringMatching(/An update \(mark\) was too large to send/) } });
    // Only the notice: the mark's event took no number.
    expect(f.gateway.events.lastSeq - before).toBe(1);
    expect(notSent()).toEqual([expect.objectContaining({ action: 'event', decision: 'not sent' })]);
    // A resume from before the marks replays what was numbered, all of it deliverable.
    const resumed = f.gateway.events.since(before)!;
    expect(resumed.every((e) => typeof e.frame === 'string' && Buffer.byteLength(e.frame) <= 9 * 1024)).toBe(true);
  });
});
