/**
 * Gateway fuzz against the workstation core: a relay between the core and a real gateway passes
 * everything on, then sends the core frames mutated from what the gateway sent it (seeded, so a
 * failure replays): messages with a field replaced, dropped or cut short, image frames with
 * bytes flipped, cut or lengthened. A broken or hostile peer must cost the core at most its link:
 * no exception escapes, every refusal it logs has a LARMOR_E_ code, and once the relay stops
 * mutating, the core is connected and takes what the gateway says.
 *
 *   npx vitest run tests/main/core/gateway-fuzz.test.ts                            (2,000 frames)
 *   LARMOR_FUZZ_FRAMES=50000 LARMOR_FUZZ_SEED=7 npx vitest run tests/main/core/gateway-fuzz.test.ts
 */
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../base/common/random.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { Activity } from '../../../main/core/activity.js';
import { attachImageIntake } from '../../../main/images/image-intake.js';
import type { DecodePool } from '../../../main/images/decode-pool.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { testCredential } from '../../helpers/accounts.js';
import { InjectingRelay } from '../../helpers/injecting-relay.js';
import { mrImage } from '../../helpers/mr-images.js';
import { mutateFrame } from '../../helpers/mutate-frames.js';

const FRAMES = Number(process.env.LARMOR_FUZZ_FRAMES ?? 2000);
const SEED = Number(process.env.LARMOR_FUZZ_SEED ?? 1);
const BATCH = 50;

let gateway: Gateway | undefined;
let relay: InjectingRelay | undefined;
let core: WorkstationCore | undefined;
let decoders: DecodePool | null = null;
afterEach(async () => {
  core?.disconnect();
  await decoders?.close();
  decoders = null;
  await relay?.close();
  await gateway?.close();
  core = relay = gateway = undefined;
});

describe('gateway fuzz against the workstation core', () => {
  it(`keeps the core up through ${FRAMES} mutated frames (seed ${SEED}), every refusal coded, and connected after`, async () => {
    gateway = await startTestGateway();
    relay = await InjectingRelay.start(gateway.url);
    core = new WorkstationCore();
    // Images are decoded as the app does, in a worker: a mutated one reaches the decoder's checks.
    decoders = attachImageIntake(core, { workers: 1 });
    const activity: Activity[] = [];
    core.on('activity', (a) => activity.push(a));
    const session = await testCredential(gateway.url, 'Trainer', 'observer');
    await core.connect({ url: relay.url, role: 'observer', name: 'Trainer', session });
    // Something of every kind to mutate from: images, notices, the scanner's state.
    for (let i = 1; i <= 3; i++) expect(gateway.imaging!.pipeline.accept(mrImage(1, i), 'c-store').ok).toBe(true);
    gateway.notice('info', 'before the fuzz');
    await expect.poll(() => activity.filter((a) => a.type === 'image').length).toBe(3);
    await expect.poll(() => activity.some((a) => a.type === 'notice' && a.text === 'before the fuzz')).toBe(true);
    await expect.poll(() => relay!.seen.filter((f) => f.binary).length).toBeGreaterThanOrEqual(3);

    const random = seededRandom(SEED);
    const seen = [...relay.seen];
    for (let sent = 0; sent < FRAMES; sent += BATCH) {
      for (let i = 0; i < BATCH; i++) relay.inject(mutateFrame(seen[Math.floor(random() * seen.length)]!, random));
      await new Promise((resolve) => setImmediate(resolve));
    }

    // Whatever the frames did to the link, the core comes back and takes what the gateway says.
    await expect.poll(() => core!.view().link.status, { timeout: 60_000 }).toBe('connected');
    gateway.notice('info', 'after the fuzz');
    await expect.poll(() => activity.some((a) => a.type === 'notice' && a.text === 'after the fuzz'), { timeout: 60_000 }).toBe(true);
    const codes = activity.flatMap((a) => {
      const code = (a as { code?: unknown; error?: { code?: unknown } }).code ?? (a as { error?: { code?: unknown } }).error?.code;
      return code === undefined || code === null ? [] : [code];
    });
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(code).toMatch(/^LARMOR_E_[A-Z0-9_]+$/);
  });
});
