import { afterEach, describe, expect, it } from 'vitest';
import { decodeImageFrame } from '../../../protocol/index.js';
import { HEALTH_THRESHOLDS } from '../../../protocol/health.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore, type ImageDecodeResult } from '../../../main/core/workstation-core.js';
import type { Activity } from '../../../main/core/activity.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { testLogin } from '../../helpers/accounts.js';

let gateway: Gateway | undefined;
let core: WorkstationCore | undefined;
afterEach(async () => {
  core?.disconnect();
  await gateway?.close();
});

const header = (n: number) => ({
  source: 'c-store' as const,
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sopInstanceUid: `2.25.${n}`,
  seriesUid: '2.25.1000',
  imagesInSeries: null,
});

describe('the core sequences images decoded elsewhere', () => {
  it('applies images in arrival order although the decoder answers out of order, and loses no event between them', async () => {
    gateway = await startTestGateway();
    core = new WorkstationCore();
    const decodedLate = (frame: Uint8Array, delayMs: number) =>
      new Promise<ImageDecodeResult>((resolve) => {
        const { header: h, part10 } = decodeImageFrame(frame);
        setTimeout(() => resolve({ ok: true, seq: h.seq, header: h, part10, images: [] }), delayMs);
      });
    let calls = 0;
    // The first image takes longest: a worker pool answers the later ones first.
    core.setImageDecoder((frame) => decodedLate(frame, [120, 60, 5][calls++ % 3]!));
    const taken: string[] = [];
    const activity: Activity[] = [];
    core.on('image-received', (h) => taken.push(h.sopInstanceUid));
    core.on('activity', (a) => activity.push(a));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Trainer') });
    for (let n = 1; n <= 3; n++) {
      gateway.publishImage(header(n), new Uint8Array(16));
      gateway.notice('info', `after image ${n}`);
    }
    await expect.poll(() => taken.length).toBe(3);
    expect(taken).toEqual(['2.25.1', '2.25.2', '2.25.3']);
    // The notices that arrived while images were still decoding were not taken for replays.
    await expect
      .poll(() => activity.filter((a) => a.type === 'notice').map((a) => (a as { text: string }).text))
      .toEqual(['after image 1', 'after image 2', 'after image 3']);
  });

  it('settles once every frame taken has been decoded and applied, after the link is closed too', async () => {
    gateway = await startTestGateway();
    core = new WorkstationCore();
    const release: (() => void)[] = [];
    core.setImageDecoder(
      (frame) =>
        new Promise<ImageDecodeResult>((resolve) => {
          const { header: h, part10 } = decodeImageFrame(frame);
          release.push(() => resolve({ ok: true, seq: h.seq, header: h, part10, images: [] }));
        }),
    );
    const taken: string[] = [];
    core.on('image-received', (h) => taken.push(h.sopInstanceUid));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Trainer') });
    for (let n = 1; n <= 3; n++) gateway.publishImage(header(n), new Uint8Array(16));
    await expect.poll(() => release.length).toBe(3);
    // As `larmor record` stops: the link goes, the three frames are still with the decoder.
    core.disconnect();
    let settled = false;
    const settling = core.imagesSettled().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    for (const answer of release) answer();
    await settling;
    expect(taken).toEqual(['2.25.1', '2.25.2', '2.25.3']);
  });

  it('stops reading the link while the decoder is behind, and takes every image once it catches up, the link never lost', async () => {
    gateway = await startTestGateway();
    // A short silence allowance: the hold below lasts several of them.
    core = new WorkstationCore({ imageBacklogBytes: 256 * 1024, thresholds: { ...HEALTH_THRESHOLDS, lostFloorMs: 300 } });
    const waiting: (() => void)[] = [];
    let takenBytes = 0;
    core.setImageDecoder((frame) => {
      takenBytes += frame.byteLength;
      return new Promise<ImageDecodeResult>((resolve) => {
        const { header: h, part10 } = decodeImageFrame(frame);
        waiting.push(() => resolve({ ok: true, seq: h.seq, header: h, part10, images: [] }));
      });
    });
    const taken: string[] = [];
    const health: string[] = [];
    core.on('image-received', (h) => taken.push(h.sopInstanceUid));
    const backlog: Extract<Activity, { type: 'image-backlog' }>[] = [];
    core.on('activity', (a) => a.type === 'health' && health.push(a.state));
    core.on('activity', (a) => a.type === 'image-backlog' && backlog.push(a));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Trainer') });
    health.length = 0; // from here on
    // 40 frames of 64 KiB, 2.5 MiB, sent at once by a gateway that does not wait.
    const frames = 40;
    for (let n = 1; n <= frames; n++) gateway.publishImage(header(n), new Uint8Array(64 * 1024).fill(n));
    await expect.poll(() => waiting.length).toBeGreaterThanOrEqual(4);
    // Held well past the silence allowance: the rest waits unread, the link is not called lost.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(waiting.length).toBeLessThan(frames / 2);
    expect(takenBytes).toBeLessThan(2 * 256 * 1024 + 2 * 64 * 1024); // the budget, plus what the last read held
    expect(core.view().health.state).not.toBe('lost'); // (a busy machine may call it degraded: round trips)
    // The decoder catches up: reading resumes and every image is applied, in order.
    let answered = 0;
    while (taken.length < frames) {
      while (answered < waiting.length) waiting[answered++]!();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(taken).toEqual(Array.from({ length: frames }, (_, i) => `2.25.${i + 1}`));
    expect(health.filter((state) => state === 'lost' || state === 'reconnecting')).toEqual([]);
    // The log says once that the intake was held, and once that it caught up.
    await expect.poll(() => backlog.length, { timeout: 10_000 }).toBe(2);
    expect(backlog.map((a) => a.held)).toEqual([true, false]);
    expect(backlog[0]!.waitingBytes).toBeGreaterThanOrEqual(256 * 1024);
  });

  it('records a decoder refusal with its code and message as a structured log entry', async () => {
    gateway = await startTestGateway();
    core = new WorkstationCore();
    core.setImageDecoder((frame) => ({ ok: false, seq: decodeImageFrame(frame).header.seq, code: 'LARMOR_E_IMAGE_TOO_LARGE', message: 'too big' }));
    const refusals: unknown[] = [];
    core.on('log', (entry) => entry.error && refusals.push(entry.error));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Trainer') });
    gateway.publishImage(header(1), new Uint8Array(16));
    await expect.poll(() => refusals).toEqual([{ code: 'LARMOR_E_IMAGE_TOO_LARGE', message: 'too big' }]);
  });
});
