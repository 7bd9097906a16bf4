import { describe, expect, it } from 'vitest';
import type { PreviewImage } from '../../protocol/index.js';
import { MAX_FRAME_BYTES } from '../../protocol/index.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { makePhantomFrames } from '../../bench/rle/mr-phantom.js';
import { phantomMrPart10 } from '../../bench/lib/mr-part10.js';
import { useGatewayFixture } from '../helpers/gateway.js';
import { testLogin } from '../helpers/accounts.js';

const f = useGatewayFixture();

describe('a 300-frame enhanced MR', () => {
  it('reaches the workstation as 300 images, the object travelling in chunks below the frame limit', async () => {
    const frames = 300;
    const pixels = makePhantomFrames({ rows: 256, columns: 256, frames });
    const part10 = phantomMrPart10('2.25.300300', { rows: 256, columns: 256, frames }, pixels);
    expect(part10.length).toBeGreaterThan(MAX_FRAME_BYTES * 2);
    const gateway = await f.start();
    const core = f.closes(new WorkstationCore(), (c) => c.disconnect());
    attachImageIntake(core);
    const images: PreviewImage[] = [];
    core.on('image', (image) => images.push(image));
    await core.connect({ url: gateway.url, role: 'observer', ...testLogin('Trainer') });
    expect(gateway.imaging!.pipeline.accept(part10, 'c-store')).toMatchObject({ ok: true });
    await expect.poll(() => images.length).toBe(frames);
    expect(images.map((i) => i.instanceNumber)).toEqual(Array.from({ length: frames }, (_, i) => i + 1));
    expect(Buffer.from(images[150]!.pixels).equals(Buffer.from(pixels.subarray(150 * 256 * 256 * 2, 151 * 256 * 256 * 2)))).toBe(true);
  });
});
