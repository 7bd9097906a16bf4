import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, decodeImageFrame, type GatewayMessage, type WelcomeMessage } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { IMAGE_FRAME_BYTES } from '../../../gateway/server/event-buffer.js';
import { RawClient, useGatewayFixture } from '../../helpers/gateway.js';
import { signedIn } from '../../helpers/accounts.js';
import { mrImage } from '../../helpers/mr-images.js';
import { tempDir } from '../../helpers/temp-dir.js';

const f = useGatewayFixture();

const spoolDir = (g: Gateway) => join(dirname(g.dataFile), 'exam-images');
const mode = (path: string) => statSync(path).mode & 0o777;
/** A 512 x 512 MR image of about 512 KB, as a scanner sends them. */
const large = (instance: number) => mrImage(1, instance, { rows: 512, columns: 512, noise: true });

function publish(g: Gateway, instance: number, part10 = large(instance)): void {
  g.publishImage(
    { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: `2.25.1.1.${instance}`, seriesUid: '2.25.1.1', imagesInSeries: null },
    part10,
  );
}

/** A client that was greeted earlier and comes back asking for the events after `resumeFrom`. */
async function resumed(g: Gateway, role: 'operator' | 'observer', resumeFrom: number): Promise<{ client: RawClient; welcome: WelcomeMessage }> {
  const client = f.closes(await RawClient.connect(g.url));
  client.sendJson({
    type: 'hello',
    version: PROTOCOL_VERSION,
    role,
    credentials: await signedIn(g.url, `Back ${role}`, role),
    resumeFrom,
    resumeBootId: g.bootId,
  });
  const welcome = await client.next<WelcomeMessage>((m) => m.type === 'welcome');
  return { client, welcome };
}

describe("the gateway's spool of the open exam's images", () => {
  it('is a 0700 folder beside the data file with 0600 files, emptied of leftovers at start and gone at close', async () => {
    const dataFile = join(tempDir(), 'gateway.sqlite');
    mkdirSync(join(dirname(dataFile), 'exam-images'));
    writeFileSync(join(dirname(dataFile), 'exam-images', '12.dcm'), 'left by a killed gateway');
    const gateway = await f.start({ dataFile });
    const dir = spoolDir(gateway);
    expect(readdirSync(dir)).toEqual([]);
    expect(mode(dir)).toBe(0o700);
    publish(gateway, 1, mrImage(1, 1));
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(mode(join(dir, files[0]!))).toBe(0o600);
    await f.stop();
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps in memory no more image frames than its budget after many images, and the store none', async () => {
    const gateway = await f.start();
    const count = Math.ceil((2 * IMAGE_FRAME_BYTES) / large(1).length);
    let bytes = 0;
    for (let i = 1; i <= count; i++) {
      const part10 = large(i);
      bytes += part10.length;
      publish(gateway, i, part10);
    }
    expect(gateway.events.heldImageBytes).toBeLessThanOrEqual(IMAGE_FRAME_BYTES);
    expect(gateway.examImages.store.heldBytes).toBe(bytes);
    const entries = [...gateway.examImages.store.images()];
    expect(entries).toHaveLength(count);
    expect(entries.some((e) => Object.values(e).some((v) => v instanceof Uint8Array))).toBe(false);
    const onDisk = () => readdirSync(spoolDir(gateway)).reduce((n, file) => n + statSync(join(spoolDir(gateway), file)).size, 0);
    // In segment files, one after another, once the writes finished (off the event loop: spool.ts).
    await expect.poll(onDisk).toBe(bytes);
  });

  it('a resume across more images than the memory budget still gets every one, in order, de-identified for an observer', async () => {
    const gateway = await f.start();
    const resumeFrom = gateway.events.lastSeq;
    // Another observer watching: the copies are made as the images go out, and spooled (else
    // the observer's replay would make them all at once, and it gets a fresh snapshot instead).
    await f.client('observer', 'Watching');
    const count = Math.ceil((1.5 * IMAGE_FRAME_BYTES) / large(1).length);
    for (let i = 1; i <= count; i++) publish(gateway, i);
    for (const role of ['operator', 'observer'] as const) {
      const { client, welcome } = await resumed(gateway, role, resumeFrom);
      expect(welcome.lastSeq).toBe(resumeFrom); // a replay, not a fresh snapshot
      await expect.poll(() => client.images.length).toBe(count);
      const frames = client.images.map((b) => decodeImageFrame(new Uint8Array(b)));
      expect(frames.map((f) => f.header.sopInstanceUid)).toEqual(Array.from({ length: count }, (_, i) => `2.25.1.1.${i + 1}`));
      const named = client.images.filter((b) => b.includes(Buffer.from('DOE^JANE', 'latin1'))).length;
      expect(named).toBe(role === 'operator' ? count : 0);
    }
  });

  it('a resume across an image no longer held falls back to a fresh snapshot, replaying nothing', async () => {
    const gateway = await f.start();
    const resumeFrom = gateway.events.lastSeq;
    const count = Math.ceil((1.5 * IMAGE_FRAME_BYTES) / large(1).length);
    for (let i = 1; i <= count; i++) publish(gateway, i);
    gateway.examImages.store.openExam('2.25.another'); // as when the exam changes: the spool is emptied
    const { client, welcome } = await resumed(gateway, 'operator', resumeFrom);
    expect(welcome.lastSeq).toBeGreaterThanOrEqual(resumeFrom + count); // a fresh snapshot, numbered from now
    await client.next((m) => m.type === 'exam.catalogue');
    expect(client.images).toHaveLength(0);
  });

  it('an image that cannot be spooled gets a coded notice and audit, and live images keep coming', async () => {
    const gateway = await f.start();
    const operator = await f.client('operator', 'Tech');
    const dir = spoolDir(gateway);
    // A file where the folder was: every write fails, as on a full disk.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, '');
    publish(gateway, 1, mrImage(1, 1));
    publish(gateway, 2, mrImage(1, 2));
    const notice = await operator.next(
      (m: GatewayMessage) => m.type === 'event' && m.body.kind === 'notice' && m.body.text.includes(ErrorCode.EXAM_IMAGE_NOT_SPOOLED),
    );
    expect(notice.type === 'event' && notice.body.kind === 'notice' && notice.body.level).toBe('warning');
    await expect.poll(() => operator.images.length).toBe(2);
    expect(gateway.examImages.store.heldBytes).toBe(0);
    expect(gateway.store.auditTrail().filter((r) => r.code === ErrorCode.EXAM_IMAGE_NOT_SPOOLED)).toHaveLength(1); // once for the run of failures
    rmSync(dir);
    mkdirSync(dir, { mode: 0o700 });
    publish(gateway, 3, mrImage(1, 3));
    await expect.poll(() => operator.images.length).toBe(3);
    expect(gateway.examImages.store.find({ seriesUid: '2.25.1.1' }, false).images.map((i) => i.header.sopInstanceUid)).toEqual(['2.25.1.1.3']);
    // Said once the image is on disk (its write finishes off the event loop: spool.ts).
    await expect.poll(() => gateway.store.auditTrail().find((r) => r.decision === 'images held again')?.detail).toEqual({ notHeld: 2 });
  });
});
