import { describe, expect, it } from 'vitest';
import { ErrorCode, decodeImageFrame, type ExamCatalogueMessage, type GatewayMessage } from '../../../protocol/index.js';
import { frameFor } from '../../../gateway/server/event-buffer.js';
import { PATIENT, useGatewayFixture, type RawClient } from '../../helpers/gateway.js';
import { joinWithHeartbeat, runLocalizer } from '../../helpers/exam-images.js';
import { mrImage } from '../../helpers/mr-images.js';

const f = useGatewayFixture();

async function join(role: 'operator' | 'observer' | 'onsite', name: string): Promise<RawClient> {
  return f.closes(await joinWithHeartbeat(f.gateway, role, name));
}

/** An operator runs the localizer to completion. */
async function completedLocalizer(): Promise<RawClient> {
  const operator = await join('operator', 'Tech');
  f.closes(await runLocalizer(f.gateway, operator, 'Tech'));
  return operator;
}

/** What one image holds at the gateway (the pipeline's Part 10 bytes), measured on a gateway of its own. */
async function heldBytesOfOneImage(): Promise<number> {
  const probe = await f.start();
  expect(probe.imaging!.pipeline.accept(mrImage(1, 1), 'c-store').ok).toBe(true);
  await expect.poll(() => probe.examImages.store.heldBytes).toBeGreaterThan(0);
  const one = probe.examImages.store.heldBytes;
  await f.stop();
  return one;
}

const latestCatalogue = (client: RawClient) => (client.messages.filter((m) => m.type === 'exam.catalogue') as ExamCatalogueMessage[]).at(-1)?.catalogue;

describe("the open exam's images for someone who joins", () => {
  it('an observer joining after a completed localizer gets its series, with a thumbnail, and fetches its images de-identified', async () => {
    await f.start({ timeScale: 200 });
    const operator = await completedLocalizer();
    const live = operator.images.map((b) => decodeImageFrame(new Uint8Array(b)).header);
    const observer = await join('observer', 'Student');
    const catalogue = (await observer.next<ExamCatalogueMessage>((m) => m.type === 'exam.catalogue')).catalogue;
    expect(catalogue.series).toHaveLength(1);
    const series = catalogue.series[0]!;
    expect(series).toMatchObject({ seriesNumber: 1, status: 'complete', imageCount: live.length });
    expect(series.sopInstanceUids.sort()).toEqual(live.map((h) => h.sopInstanceUid).sort());
    expect(series.thumbnail!.rows).toBeLessThanOrEqual(64);
    expect(Buffer.from(series.thumbnail!.pixels, 'base64').length).toBe(series.thumbnail!.rows * series.thumbnail!.columns);

    const result = await observer.imageFetch('fetch-1', { seriesUid: series.seriesUid });
    expect(result).toMatchObject({ queued: live.length, unknown: [], code: null });
    await expect.poll(() => observer.images.length).toBe(live.length);
    const fetched = observer.images.map((b) => decodeImageFrame(new Uint8Array(b)));
    // Marked fetched, numbered as they were live: a client neither sequences nor counts them.
    expect(fetched.every((f) => f.header.fetched === true)).toBe(true);
    expect(fetched.map((f) => f.header.seq).sort((a, b) => a - b)).toEqual(live.map((h) => h.seq).sort((a, b) => a - b));
    // Observer PHI policy "none" (the default): the patient's name is not in what an observer fetches.
    expect(observer.images.some((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(false);
    expect(operator.images.some((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(true);
  });

  it('refuses a fetch of images it does not hold with a code, and still sends the ones it holds', async () => {
    await f.start({ timeScale: 200 });
    const operator = await completedLocalizer();
    const held = latestCatalogue(operator)!.series[0]!.sopInstanceUids[0]!;
    const result = await operator.imageFetch('fetch-2', { sopInstanceUids: [held, '2.25.404'] });
    expect(result).toMatchObject({ queued: 1, unknown: ['2.25.404'], code: ErrorCode.IMAGE_NOT_HELD });
    const unknownSeries = await operator.imageFetch('fetch-3', { seriesUid: '2.25.405' });
    expect(unknownSeries).toMatchObject({ queued: 0, code: ErrorCode.IMAGE_NOT_HELD });
  });

  it('a fetch before hello is refused, and a malformed fetch is refused by the codec', async () => {
    await f.start();
    const raw = await f.connect();
    raw.sendJson({ type: 'image.fetch', id: 'f1', request: { seriesUid: '2.25.1' } });
    expect(await raw.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.HELLO_REQUIRED });
    const operator = await join('operator', 'Tech');
    operator.sendJson({ type: 'image.fetch', id: 'f2', request: { sopInstanceUids: [] } });
    expect(await operator.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
  });

  it('drops the oldest series when the exam outgrows the bound, with a coded notice and a new catalogue', async () => {
    const one = await heldBytesOfOneImage();
    const gateway = await f.start({ examImagesMb: (one * 2.5) / (1024 * 1024) });
    const operator = await join('operator', 'Tech');
    for (const [series, instance] of [
      [1, 1],
      [1, 2],
      [2, 1],
    ] as const) {
      expect(gateway.imaging!.pipeline.accept(mrImage(series, instance), 'c-store').ok).toBe(true);
    }
    const notice = await operator.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.text.includes(ErrorCode.EXAM_IMAGES_DROPPED));
    expect(notice.type === 'event' && notice.body.kind === 'notice' && notice.body.text).toContain('Series 1');
    await expect.poll(() => latestCatalogue(operator)?.series.map((s) => s.seriesNumber)).toEqual([2]);
    expect((await operator.imageFetch('fetch-4', { sopInstanceUids: ['2.25.1.1.1'] })).code).toBe(ErrorCode.IMAGE_NOT_HELD);
  });

  it('tells of series dropped one an image in one notice for the window, not one an image', async () => {
    const one = await heldBytesOfOneImage();
    // Room for one image: each series a peer starts drops the one before.
    const gateway = await f.start({ examImagesMb: (one * 1.5) / (1024 * 1024), linkLimits: { refusalAuditWindowMs: 1000 } });
    const operator = await join('operator', 'Tech');
    const images = 12;
    for (let series = 1; series <= images; series++) {
      const live = operator.images.length;
      expect(gateway.imaging!.pipeline.accept(mrImage(series, 1), 'c-store').ok).toBe(true);
      await expect.poll(() => operator.images.length).toBe(live + 1);
    }
    const dropped = () =>
      operator.messages.flatMap((m) =>
        m.type === 'event' && m.body.kind === 'notice' && m.body.text.includes(ErrorCode.EXAM_IMAGES_DROPPED) ? [m.body.text] : [],
      );
    // The first at once, the rest of its window together when it ends.
    await expect.poll(() => dropped().some((text) => / more times in 1 s; the last dropped: series 11 Series 11 \(1 images\)/.test(text))).toBe(true);
    expect(dropped()[0]).toContain('oldest dropped: series 1 Series 1 (1 images)');
    expect(dropped().length).toBeLessThan(images - 1);
  });

  it('holds each image on disk, the bytes that went out live, and de-identifies it once for the live frame and the spool alike', async () => {
    const gateway = await f.start();
    expect(gateway.imaging!.pipeline.accept(mrImage(1, 1), 'c-store').ok).toBe(true);
    await expect.poll(() => gateway.examImages.store.heldBytes).toBeGreaterThan(0);
    const [event] = gateway.events.since(gateway.events.lastSeq - 1)!;
    const store = gateway.examImages.store;
    const held = store.find({ sopInstanceUids: ['2.25.1.1.1'] }, false).images[0]!;
    // The index holds no bytes: the image is its spool file.
    expect(Object.values(held).some((v) => v instanceof Uint8Array)).toBe(false);
    expect(Buffer.from(store.part10(held)!).equals(Buffer.from(event!.image!.part10))).toBe(true);
    // No observer yet: no de-identified copy made.
    expect(held.observerFile).toBeUndefined();
    frameFor('observer', event!);
    expect(held.observerFile).toEqual(expect.any(String));
    expect(Buffer.from(store.observerPart10(held)!).equals(Buffer.from(event!.image!.observerPart10!))).toBe(true);
    expect(store.heldBytes).toBe(held.size);
  });

  it("a large image's thumbnail is made off the event loop and comes in a second catalogue", async () => {
    const gateway = await f.start();
    const operator = await join('operator', 'Tech');
    const from = operator.messages.length;
    // 1100 x 1100 16-bit: its decoded frame is past what is made at once (INLINE_THUMBNAIL_BYTES).
    expect(gateway.imaging!.pipeline.accept(mrImage(5, 1, { rows: 1100, columns: 1100 }), 'c-store').ok).toBe(true);
    const seriesOf = (m: GatewayMessage) => (m.type === 'exam.catalogue' ? m.catalogue.series.find((s) => s.seriesNumber === 5) : undefined);
    const first = await operator.next<ExamCatalogueMessage>((m) => seriesOf(m) !== undefined, from);
    expect(seriesOf(first)).toMatchObject({ imageCount: 1, thumbnail: null });
    const made = await operator.next<ExamCatalogueMessage>((m) => seriesOf(m)?.thumbnail != null, from);
    expect(seriesOf(made)!.thumbnail).toMatchObject({ rows: 64, columns: 64, sopInstanceUid: '2.25.1.5.1' });
  });

  it('paces the catalogue while a peer starts a series with each image: fewer catalogues than images, the last of them all', async () => {
    const gateway = await f.start();
    const operator = await join('operator', 'Tech');
    const from = operator.messages.length;
    const images = 40;
    for (let series = 1; series <= images; series++) {
      const live = operator.images.length;
      expect(gateway.imaging!.pipeline.accept(mrImage(series, 1), 'c-store').ok).toBe(true);
      // Each image its own turn: out live before the next is taken.
      await expect.poll(() => operator.images.length).toBe(live + 1);
    }
    const catalogues = () => operator.messages.slice(from).filter((m): m is ExamCatalogueMessage => m.type === 'exam.catalogue');
    await expect.poll(() => catalogues().at(-1)?.catalogue.series.length).toBe(images);
    // Sent on each change, it was one a series: at most one every 250 ms now.
    expect(catalogues().length).toBeLessThan(images / 2);
  });

  it('closing the exam empties the catalogue', async () => {
    await f.start({ timeScale: 200 });
    const operator = await completedLocalizer();
    const from = operator.messages.length;
    expect((await operator.command('cmd-close-00001', { name: 'exam.close' })).outcome).toBe('done');
    const next = await operator.next<ExamCatalogueMessage>((m: GatewayMessage) => m.type === 'exam.catalogue', from);
    expect(next.catalogue).toEqual({ studyUid: null, series: [] });
  });
});
