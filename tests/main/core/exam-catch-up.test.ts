import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type ImageFrameHeader, type LogEntry, type PreviewImage } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { attachImageIntake } from '../../../main/images/image-intake.js';
import { seededRandom } from '../../../base/common/random.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { testLogin } from '../../helpers/accounts.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { mrImage } from '../../helpers/mr-images.js';
import { ActivityLog } from './core-harness.js';

let gateway: Gateway | undefined;
let core: WorkstationCore | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  core?.disconnect();
  await proxy?.close();
  await gateway?.close();
  gateway = undefined;
  core = undefined;
  proxy = undefined;
});

/** A DICOM peer pushes images of `series`, instances 1..count. */
function pushSeries(series: number, count: number, first = 1): void {
  for (let i = first; i < first + count; i++) expect(gateway!.imaging!.pipeline.accept(mrImage(series, i), 'c-store').ok).toBe(true);
}

/** A core with the real intake, recording what it shows, takes as live, and logs. */
function watchedCore(options: ConstructorParameters<typeof WorkstationCore>[0] = {}) {
  core = new WorkstationCore(options);
  attachImageIntake(core);
  const shown: PreviewImage[] = [];
  const live: ImageFrameHeader[] = [];
  const logs: LogEntry[] = [];
  core.on('image', (image) => shown.push(image));
  core.on('image-received', (header) => live.push(header));
  core.on('log', (entry) => logs.push(entry));
  return { core, shown, live, logs, activity: new ActivityLog(core) };
}

describe('a workstation that joins an exam already under way', () => {
  it('has the series catalogue in its view, and fetched images are shown but neither sequenced, counted nor logged as new', async () => {
    gateway = await startTestGateway();
    pushSeries(1, 3);
    const { core: c, shown, live, logs, activity } = watchedCore();
    await c.connect({ url: gateway.url, role: 'observer', ...testLogin('Observer') });
    await expect.poll(() => c.view().exam?.series.length).toBe(1);
    const series = c.view().exam!.series[0]!;
    expect(series).toMatchObject({ seriesNumber: 1, description: 'Series 1', status: 'complete', imageCount: 3 });
    expect(series.thumbnail).not.toBeNull();

    const seq = c.lastEventSeq;
    const outcome = await c.fetchImages({ seriesUid: series.seriesUid });
    expect(outcome).toEqual({ queued: 3, unknown: [], code: null, reason: null });
    await expect.poll(() => shown.length).toBe(3);
    expect(shown.every((image) => image.fetched === true)).toBe(true);
    expect(shown.map((image) => image.sopInstanceUid).sort()).toEqual(series.sopInstanceUids.slice().sort());
    // Observers fetch the de-identified copies.
    expect(shown.some((image) => image.patientName.includes('DOE'))).toBe(false);
    expect(c.lastEventSeq).toBe(seq);
    expect(live).toEqual([]);
    expect(activity.all.filter((a) => a.type === 'image')).toEqual([]);
    expect(logs.filter((entry) => entry.kind === 'image')).toEqual([]);

    // A live image after that is sequenced as usual and joins the catalogue at once.
    pushSeries(1, 1, 4);
    await expect.poll(() => live.length).toBe(1);
    expect(c.lastEventSeq).toBeGreaterThan(seq);
    expect(c.view().exam!.series[0]!.imageCount).toBe(4);
  });

  it('names the images the gateway does not hold, with a code', async () => {
    gateway = await startTestGateway();
    pushSeries(1, 1);
    const { core: c } = watchedCore();
    await c.connect({ url: gateway.url, role: 'operator', ...testLogin('Tech') });
    await expect.poll(() => c.view().exam?.series.length).toBe(1);
    expect(await c.fetchImages({ sopInstanceUids: ['2.25.1.1.1', '2.25.404'] })).toMatchObject({
      queued: 1,
      unknown: ['2.25.404'],
      code: ErrorCode.IMAGE_NOT_HELD,
    });
    await expect(c.fetchImages({ sopInstanceUids: [] })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER });
  });

  it('refuses a fetch while not connected', async () => {
    const { core: c } = watchedCore();
    await expect(c.fetchImages({ seriesUid: '2.25.1' })).rejects.toMatchObject({ code: ErrorCode.LINK_DOWN });
  });

  it('gets the catalogue again when its link resumes after a drop, with what arrived meanwhile', async () => {
    gateway = await startTestGateway();
    pushSeries(1, 2);
    proxy = await FaultProxy.start(gateway.port);
    const { core: c, activity } = watchedCore({ random: seededRandom(7), reconnect: { baseDelayMs: 50 } });
    await c.connect({ url: proxy.url, role: 'operator', ...testLogin('Tech') });
    await expect.poll(() => c.view().exam?.series.length).toBe(1);
    const from = activity.length;
    proxy.blackhole();
    await activity.health('lost', from);
    pushSeries(2, 2);
    proxy.heal();
    expect(await activity.next((a) => a.type === 'resume', from)).toMatchObject({ mode: 'replay' });
    // The thumbnail comes only with the gateway's catalogue (live images add entries without one).
    await expect
      .poll(() => c.view().exam?.series.map((s) => [s.seriesNumber, s.imageCount, s.thumbnail !== null]))
      .toEqual([
        [1, 2, true],
        [2, 2, true],
      ]);
  });
});
