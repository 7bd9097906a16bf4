import { describe, expect, it } from 'vitest';
import type { PreviewImage } from '../../protocol/index.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { OPEN_EXAM, useGatewayFixture } from '../helpers/gateway.js';
import { onsiteGrants } from '../helpers/onsite.js';
import { testLogin } from '../helpers/accounts.js';

const f = useGatewayFixture();

describe('live images from the simulator', () => {
  it('arrive at the workstation decoded, once each, in slice order, while the sequence runs', async () => {
    const gateway = await f.start({ timeScale: 200 });
    const core = f.closes(new WorkstationCore(), (c) => c.disconnect());
    attachImageIntake(core);
    const images: PreviewImage[] = [];
    core.on('image', (image) => images.push(image));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Tech') });
    const onsite = f.closes(await onsiteGrants(gateway, 'Tech'));
    expect((await core.sendCommand(OPEN_EXAM)).state).toBe('done');
    await core.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' });
    await onsite.confirmChecklist();
    expect((await core.sendCommand({ name: 'scan.start' })).state).toBe('done');
    await new Promise<void>((resolve) => core.on('state', (v) => v.snapshot?.state === 'completed' && resolve()));
    await expect.poll(() => images.length).toBe(9);
    expect(images.map((i) => i.instanceNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(images.map((i) => i.sopInstanceUid)).size).toBe(9);
    const first = images[0]!;
    expect(first).toMatchObject({
      rows: 128,
      columns: 256,
      bitsAllocated: 16,
      imagesInSeries: 9,
      patientName: 'DOE^JANE',
      photometricInterpretation: 'MONOCHROME2',
    });
    expect(first.pixels.byteLength).toBe(128 * 256 * 2);
    expect(Math.max(...new Uint16Array(first.pixels))).toBeGreaterThan(0);
  });
});
