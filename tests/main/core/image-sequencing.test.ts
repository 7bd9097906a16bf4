import { afterEach, describe, expect, it } from 'vitest';
import { decodeImageFrame } from '../../../protocol/index.js';
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
