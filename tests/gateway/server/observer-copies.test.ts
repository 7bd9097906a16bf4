import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, decodeImageFrame, type ExamCatalogueMessage, type ImageFetchResultMessage } from '../../../protocol/index.js';
import type * as Deidentify from '../../../gateway/images/deidentify-part10.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { PATIENT, useGatewayFixture, type RawClient } from '../../helpers/gateway.js';
import { mrImage } from '../../helpers/mr-images.js';

/** Called at every de-identification the gateway makes, before it is made. */
const copies = vi.hoisted(() => ({ made: (): void => {} }));

// De-identifies for real; the test sees when.
vi.mock('../../../gateway/images/deidentify-part10.js', async (original) => {
  const actual = await original<typeof Deidentify>();
  return {
    ...actual,
    deidentifyPart10: vi.fn((part10: Uint8Array) => {
      copies.made();
      return actual.deidentifyPart10(part10);
    }),
  };
});

const f = useGatewayFixture();

/** Images held before any observer comes: large enough that making their observer copies is real work. */
const IMAGES = 32;
const SERIES_UID = '2.25.1.1';
const uidOf = (instance: number) => `2.25.1.1.${instance}`;

function publish(g: Gateway, instance: number, part10 = mrImage(1, instance, { rows: 256, columns: 256, noise: true })): void {
  g.publishImage(
    { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: uidOf(instance), seriesUid: SERIES_UID, imagesInSeries: null },
    part10,
  );
}

/** Counts the turns of the event loop (the gateway runs in this process): each turn runs one of these. */
function turnCounter(): { readonly turn: number; stop(): void } {
  let turn = 0;
  let next: NodeJS.Immediate | null = null;
  const tick = () => {
    turn++;
    next = setImmediate(tick);
  };
  tick();
  return {
    get turn() {
      return turn;
    },
    stop: () => next && clearImmediate(next),
  };
}

const catalogues = (client: RawClient) => client.messages.filter((m) => m.type === 'exam.catalogue') as ExamCatalogueMessage[];
const pongs = (client: RawClient) => client.messages.filter((m) => m.type === 'pong').length;

describe("the first observer's copies of the images already held", () => {
  it('are made one image per turn of the event loop, an operator answered between them, and the observer gets every image de-identified', async () => {
    const gateway = await f.start();
    const operator = await f.client('operator', 'Tech');
    for (let i = 1; i <= IMAGES; i++) publish(gateway, i);
    const turns = f.closes(turnCounter(), (t) => t.stop());
    // At each copy: the loop's turn, and the pongs the operator has had so far; the first sends a ping.
    const made: { turn: number; pongs: number }[] = [];
    copies.made = () => {
      made.push({ turn: turns.turn, pongs: pongs(operator) });
      if (made.length === 1) operator.sendJson({ type: 'ping', t: Date.now() });
    };
    expect(made).toEqual([]); // no observer yet: no copy made

    const observer = await f.client('observer', 'Student');
    const catalogue = (await observer.next<ExamCatalogueMessage>((m) => m.type === 'exam.catalogue')).catalogue;
    expect(catalogue.series.map((s) => s.sopInstanceUids.length)).toEqual([IMAGES]);
    const result = await observer.imageFetch('fetch-all', { seriesUid: SERIES_UID });
    expect(result).toMatchObject({ queued: IMAGES, unknown: [], code: null });
    await expect.poll(() => observer.images.length).toBe(IMAGES);

    // Each image de-identified once, each in a turn of its own: never two images' work, let alone all, in one turn.
    expect(made).toHaveLength(IMAGES);
    expect(new Set(made.map((m) => m.turn)).size).toBe(IMAGES);
    // The ping sent at the first copy was answered before the last was made.
    expect(made.at(-1)!.pongs).toBeGreaterThan(made[0]!.pongs);

    const fetched = observer.images.map((b) => decodeImageFrame(new Uint8Array(b)));
    expect(fetched.every((i) => i.header.fetched === true)).toBe(true);
    expect(fetched.map((i) => i.header.sopInstanceUid).sort()).toEqual(Array.from({ length: IMAGES }, (_, i) => uidOf(i + 1)).sort());
    expect(observer.images.some((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(false);
    expect(operator.images.every((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(true);
    expect(catalogues(observer)).toHaveLength(1); // none withheld: nothing to take back
  });

  it('an image whose identifiers cannot be removed is withheld, audited once, left out of the next catalogue and refused to a fetch', async () => {
    const gateway = await f.start();
    copies.made = () => {};
    for (let i = 1; i <= 3; i++) publish(gateway, i);
    publish(gateway, 4, new Uint8Array(200)); // not DICOM: nothing to de-identify it by
    const observer = await f.client('observer', 'Student');
    await expect.poll(() => catalogues(observer).at(-1)?.catalogue.series[0]?.sopInstanceUids.length).toBe(3);
    expect(catalogues(observer).at(-1)!.catalogue.series[0]!.sopInstanceUids).not.toContain(uidOf(4));
    const result = await observer.imageFetch('fetch-withheld', { sopInstanceUids: [uidOf(1), uidOf(4)] });
    expect(result).toMatchObject({ queued: 1, unknown: [uidOf(4)], code: ErrorCode.IMAGE_NOT_HELD });
    await expect.poll(() => observer.images.length).toBe(1);
    const withheld = gateway.store.auditTrail().filter((r) => r.action === 'observer phi' && r.decision === 'image withheld');
    expect(withheld.map((r) => r.detail)).toEqual([expect.objectContaining({ sopInstanceUid: uidOf(4) })]);
  });

  it("an observer's fetch made before the copies are waits for them, and the same observer's next fetch is answered after it", async () => {
    const gateway = await f.start();
    copies.made = () => {};
    for (let i = 1; i <= IMAGES; i++) publish(gateway, i);
    const observer = await f.client('observer', 'Student');
    const from = observer.messages.length;
    observer.sendJson({ type: 'image.fetch', id: 'fetch-series', request: { seriesUid: SERIES_UID } });
    observer.sendJson({ type: 'image.fetch', id: 'fetch-one', request: { sopInstanceUids: [uidOf(1)] } });
    await observer.next((m) => m.type === 'image.fetch.result' && m.id === 'fetch-one', from);
    const answers = observer.messages.slice(from).filter((m): m is ImageFetchResultMessage => m.type === 'image.fetch.result');
    expect(answers.map((a) => [a.id, a.queued])).toEqual([
      ['fetch-series', IMAGES],
      ['fetch-one', 1],
    ]);
    // The one image the second names is sent once when still waiting to go out with the series (catch-up-sender.ts).
    const sent = () => new Set(observer.images.map((b) => decodeImageFrame(new Uint8Array(b)).header.sopInstanceUid)).size;
    await expect.poll(sent).toBe(IMAGES);
    expect(observer.images.some((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(false);
  });
});

/**
 * A gateway with an operator, and an observer that was there and lost its link: where it would
 * resume from, once the gateway has let its session go. No observer is left to need copies.
 */
async function observerGone(): Promise<{ gateway: Gateway; resumeFrom: number }> {
  const gateway = await f.start();
  const operator = await f.client('operator', 'Tech');
  const before = await f.client('observer', 'Student');
  let resumeFrom = 0;
  for (const m of before.messages) {
    if (m.type === 'welcome') resumeFrom = Math.max(resumeFrom, m.lastSeq);
    if (m.type === 'event') resumeFrom = Math.max(resumeFrom, m.seq);
  }
  const from = operator.messages.length;
  before.ws.terminate();
  await operator.next((m) => m.type === 'event' && m.body.kind === 'participant.left', from);
  return { gateway, resumeFrom };
}

/** The observer back, asking for the events after `resumeFrom`: the `lastSeq` of its welcome. */
async function resumed(gateway: Gateway, resumeFrom: number): Promise<{ back: RawClient; lastSeq: number }> {
  const back = await f.client('observer', 'Student', { resumeFrom, resumeBootId: gateway.bootId });
  const welcome = back.messages.find((m) => m.type === 'welcome');
  return { back, lastSeq: welcome?.type === 'welcome' ? welcome.lastSeq : -1 };
}

describe("an observer's resume", () => {
  it('after images no observer needed copies of is a fresh snapshot, and the copies are made one per turn', async () => {
    const { gateway, resumeFrom } = await observerGone();
    const turns = f.closes(turnCounter(), (t) => t.stop());
    const made: number[] = [];
    copies.made = () => made.push(turns.turn);
    for (let i = 1; i <= IMAGES; i++) publish(gateway, i);
    expect(made).toEqual([]); // no observer: no copies

    // Replayed, the 32 images (8 MB) would all be de-identified in the turn of the welcome.
    const { back, lastSeq } = await resumed(gateway, resumeFrom);
    expect(lastSeq).toBeGreaterThanOrEqual(resumeFrom + IMAGES); // a fresh snapshot
    await expect.poll(() => made.length).toBe(IMAGES);
    expect(new Set(made).size).toBe(IMAGES);
    expect(await back.imageFetch('fetch-all', { seriesUid: SERIES_UID })).toMatchObject({ queued: IMAGES, code: null });
    await expect.poll(() => back.images.length).toBe(IMAGES);
    expect(back.images.some((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(false);
  });

  it('after a few such images is a replay of them, de-identified', async () => {
    const { gateway, resumeFrom } = await observerGone();
    copies.made = () => {};
    for (let i = 1; i <= 3; i++) publish(gateway, i);
    const { back, lastSeq } = await resumed(gateway, resumeFrom);
    expect(lastSeq).toBe(resumeFrom); // a replay
    await expect.poll(() => back.images.length).toBe(3);
    expect(back.images.some((b) => b.includes(Buffer.from(PATIENT.name, 'latin1')))).toBe(false);
  });
});
