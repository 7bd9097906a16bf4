/**
 * Collaboration round trips on loopback, real gateway and two real workstation cores (the
 * holder draws, an observer's core receives): a mark from `collab.send` until the gateway's ack
 * at the sender and until it is in the other workstation's view (the target in
 * docs/architecture.md "Collaboration" is 200 ms p99), and the same for a chat line.
 *
 *   npx tsx bench/collab/run.ts [--runs 200]
 */
import { parseArgs } from 'node:util';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { startTestGateway } from '../../tests/helpers/gateway.js';
import { testLogin } from '../../tests/helpers/accounts.js';
import { onsiteGrants } from '../../tests/helpers/onsite.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const RUNS = Number(values.runs);
const SOP = '1.2.826.0.1.3680043.10.543.bench.1';

// The bench times round trips, not the gateway's rate of shared actions (10 a second, 30 at once:
// gateway/server/link-limits.ts), which it would otherwise reach within its first runs.
const gateway = await startTestGateway({ requireChecklist: false, linkLimits: { sharedActionsPerSecond: 10_000, sharedActionBurst: 10_000 } });
const drawer = new WorkstationCore();
const viewer = new WorkstationCore();
await drawer.connect({ url: gateway.url, role: 'operator', ...testLogin('Remote Tech') });
await viewer.connect({ url: gateway.url, role: 'observer', ...testLogin('Observer') });
const onsite = await onsiteGrants(gateway, 'Remote Tech');
// Marks go only on images the gateway sent; the bench stands in for one it did.
(gateway as unknown as { collaboration: { sentImages: { add(uid: string): void } } }).collaboration.sentImages.add(SOP);

/** Resolves when the viewer's view satisfies `seen`. */
function seenBy(core: WorkstationCore, seen: () => boolean): Promise<number> {
  return new Promise((resolve) => {
    if (seen()) return resolve(performance.now());
    const check = () => {
      if (!seen()) return;
      core.off('state', check);
      resolve(performance.now());
    };
    core.on('state', check);
  });
}

const markAck: number[] = [];
const markSeen: number[] = [];
const chatAck: number[] = [];
const chatSeen: number[] = [];
for (let i = -5; i < RUNS; i++) {
  if (i % 40 === 0) {
    // Stay under the per-image limit; the next mark is timed from a view that saw the clear.
    const cleared = seenBy(viewer, () => (viewer.view().collab?.marks.length ?? 0) === 0);
    await drawer.sendCollab({ name: 'mark.clear', sopInstanceUid: SOP });
    await cleared;
  }
  const x = 10 + (i % 40);
  const before = viewer.view().collab?.marks.length ?? 0;
  const t0 = performance.now();
  const seen = seenBy(viewer, () => (viewer.view().collab?.marks.length ?? 0) > before && viewer.view().collab!.marks.at(-1)!.points[0]![0] === x);
  const outcome = await drawer.sendCollab({
    name: 'mark.add',
    sopInstanceUid: SOP,
    shape: 'arrow',
    points: [
      [x, 20],
      [x + 30, 60],
    ],
  });
  if (outcome.state !== 'done') throw new Error(`mark refused: ${JSON.stringify(outcome.error)}`);
  const t1 = performance.now();
  const t2 = await seen;
  const text = `bench line ${i}`;
  const c0 = performance.now();
  const chatShown = seenBy(viewer, () => viewer.view().collab?.chat.at(-1)?.text === text);
  const said = await drawer.sendCollab({ name: 'chat.send', text });
  if (said.state !== 'done') throw new Error(`chat line refused: ${JSON.stringify(said.error)}`);
  const c1 = performance.now();
  const c2 = await chatShown;
  if (i < 0) continue; // warm-up
  markAck.push(t1 - t0);
  markSeen.push(t2 - t0);
  chatAck.push(c1 - c0);
  chatSeen.push(c2 - c0);
}

console.log(`collaboration bench: ${RUNS} runs, loopback, one gateway, two workstation cores`);
printTable(
  ['round trip (ms)', 'p50', 'p99', 'max'],
  [
    ['mark: send -> ack at sender', percentile(markAck, 50), percentile(markAck, 99), Math.max(...markAck)],
    ['mark: send -> in other workstation view', percentile(markSeen, 50), percentile(markSeen, 99), Math.max(...markSeen)],
    ['chat: send -> ack at sender', percentile(chatAck, 50), percentile(chatAck, 99), Math.max(...chatAck)],
    ['chat: send -> in other workstation view', percentile(chatSeen, 50), percentile(chatSeen, 99), Math.max(...chatSeen)],
  ],
);
drawer.disconnect();
viewer.disconnect();
onsite.close();
await gateway.close();
