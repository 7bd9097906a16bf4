import { afterEach, describe, expect, it } from 'vitest';
import type { PreviewImage } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { OPEN_EXAM, startTestGateway } from '../helpers/gateway.js';
import { onsiteGrants, type OnsiteClient } from '../helpers/onsite.js';
import { testLogin } from '../helpers/accounts.js';

let gateway: Gateway | undefined;
let core: WorkstationCore | undefined;
let onsite: OnsiteClient | undefined;
afterEach(async () => {
  onsite?.close();
  core?.disconnect();
  await gateway?.close();
});

describe('live images from the simulator', () => {
  it('arrive at the workstation decoded, once each, in slice order, while the sequence runs', async () => {
    gateway = await startTestGateway({ timeScale: 200 });
    core = new WorkstationCore();
    attachImageIntake(core);
    const images: PreviewImage[] = [];
    core.on('image', (image) => images.push(image));
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Tech') });
    onsite = await onsiteGrants(gateway, 'Tech');
    expect((await core.sendCommand(OPEN_EXAM)).state).toBe('done');
    await core.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' });
    await onsite.confirmChecklist();
    expect((await core.sendCommand({ name: 'scan.start' })).state).toBe('done');
    await new Promise<void>((resolve) => core!.on('state', (v) => v.snapshot?.state === 'completed' && resolve()));
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
