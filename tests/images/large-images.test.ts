import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageFrameParts, PreviewImage } from '../../protocol/index.js';
import { MAX_FRAME_BYTES } from '../../protocol/index.js';
import { greyImagePixelElements, Tag, TransferSyntax, writePart10 } from '../../native-bridge/dicom/index.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import type { Activity } from '../../main/core/activity.js';
import { useGatewayFixture } from '../helpers/gateway.js';
import { testLogin } from '../helpers/accounts.js';
import { storescu } from '../helpers/dcmtk.js';
import { tempDir } from '../helpers/temp-dir.js';

const f = useGatewayFixture();

/** A 3072 x 3072 16-bit MR of noise: 18 MB that RLE cannot shrink, so it travels uncompressed. */
function noiseImage(path: string): number {
  const pixels = new Uint16Array(3072 * 3072);
  let x = 12345;
  for (let i = 0; i < pixels.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    pixels[i] = x >>> 16;
  }
  const bytes = writePart10({
    transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
    elements: [
      { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
      { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.31337' },
      { tag: 0x0020000d, vr: 'UI', value: '2.25.31338' },
      { tag: 0x0020000e, vr: 'UI', value: '2.25.31339' },
      ...greyImagePixelElements({ rows: 3072, columns: 3072, bitsStored: 16 }),
      { tag: Tag.PixelData, vr: 'OW', value: pixels },
    ],
  });
  writeFileSync(path, bytes);
  return bytes.length;
}

describe('images larger than one WebSocket message', () => {
  it('an 18 MB image pushed by storescu reaches the workstation whole, once, without a reconnect', async () => {
    const file = join(tempDir(), 'big.dcm');
    expect(noiseImage(file)).toBeGreaterThan(MAX_FRAME_BYTES);
    const gateway = await f.start({ dicom: { port: 0 } });
    const core = f.closes(new WorkstationCore(), (c) => c.disconnect());
    attachImageIntake(core);
    const images: PreviewImage[] = [];
    const activity: Activity[] = [];
    core.on('image', (image) => images.push(image));
    core.on('activity', (a) => activity.push(a));
    await core.connect({ url: gateway.url, role: 'observer', ...testLogin('Trainer') });
    await storescu(gateway.imaging!.dicomPort!, [file]);
    await expect.poll(() => images.length).toBe(1);
    expect(images[0]).toMatchObject({ rows: 3072, columns: 3072, sopInstanceUid: '2.25.31337' });
    expect(images[0]!.pixels.byteLength).toBe(3072 * 3072 * 2);
    // Nothing looped: no link was closed for the image's size, and the image was taken once. (A
    // heartbeat loss on a starved machine is possible and recovers; it is not what this proves.)
    expect(activity.filter((a) => a.type === 'link' && /TOO_LARGE|1009/.test(`${a.code} ${a.reason}`))).toEqual([]);
    expect(core.view().link.status).toBe('connected');
    expect(activity.filter((a) => a.type === 'image')).toHaveLength(1);
    expect(activity.filter((a) => a.type === 'image-error')).toEqual([]);
  });

  it('is kept for replay in chunks below the frame limit', async () => {
    const file = join(tempDir(), 'big.dcm');
    noiseImage(file);
    const gateway = await f.start({ dicom: { port: 0 } });
    await storescu(gateway.imaging!.dicomPort!, [file]);
    // Answered once received; published once the transcode pool has made its workstation copy.
    const images = () => gateway.events.since(0)!.filter((e) => typeof e.frame !== 'string');
    await expect.poll(() => images().length).toBe(1);
    const kept = images();
    const chunks = kept[0]!.frame as readonly ImageFrameParts[];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every(({ head, body }) => head.length + body.length < MAX_FRAME_BYTES)).toBe(true);
  });

  it('an image above the configured limit is refused once at the gateway, with a code, a notice and a failure status for the scanner', async () => {
    const file = join(tempDir(), 'big.dcm');
    noiseImage(file);
    const gateway = await f.start({ dicom: { port: 0 }, imageLimits: { maxFrameBytes: 8 * 1024 * 1024, maxObjectBytes: 8 * 1024 * 1024 } });
    const core = f.closes(new WorkstationCore(), (c) => c.disconnect());
    attachImageIntake(core);
    const activity: Activity[] = [];
    core.on('activity', (a) => activity.push(a));
    await core.connect({ url: gateway.url, role: 'observer', ...testLogin('Trainer') });
    // Refused before it is answered: the scanner is told A700H (out of resources), not Success;
    // storescu then exits with the status's high byte, 0xA7.
    await expect(storescu(gateway.imaging!.dicomPort!, [file])).rejects.toMatchObject({ code: 0xa7 });
    await expect.poll(() => activity.filter((a) => a.type === 'notice' && a.text.includes('LARMOR_E_IMAGE_TOO_LARGE')).length).toBe(1);
    expect(activity.filter((a) => a.type === 'image' || a.type === 'image-error')).toEqual([]);
    expect(gateway.events.since(0)!.every((e) => typeof e.frame === 'string')).toBe(true);
  });
});
