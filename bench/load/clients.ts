/**
 * Headless clients for bench/load, in a process of their own, as on their own machines: one
 * operator workstation (who keeps the simulator acquiring), N observer workstations, or the
 * onsite console (checked in, heartbeating, taking every image as the page does). Each
 * workstation keeps its journal on disk, as the app does (main/journal/journal.ts). Prints one
 * JSON line with what it measured when its time is up: per-workstation preview latency,
 * heartbeat RTTs, images taken, RSS (at start, each minute, at end) and CPU of this process.
 *
 *   tsx bench/load/clients.ts --url ws://... --role operator|observer|onsite --count N [--first N] [--workers N] [--heartbeat-ms N]
 * Commands on stdin: "go" (the operator starts acquiring), "hold" (no new series, the running one stopped), "stop" (report and exit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { acquisitionUnderway } from '../../protocol/index.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { Journal } from '../../main/journal/journal.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { decodeWorkers } from '../../main/images/decode-pool.js';
import { PATIENT, RawClient } from '../../tests/helpers/gateway.js';
import { testLogin } from '../../tests/helpers/accounts.js';
import { RSS_SAMPLE_MS } from './rss-samples.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    role: { type: 'string' },
    count: { type: 'string', default: '1' },
    /** Observers are "Observer <first>" on: each process of several signs in its own. */
    first: { type: 'string', default: '1' },
    workers: { type: 'string' },
    'heartbeat-ms': { type: 'string', default: '500' },
  },
});
const role = values.role === 'operator' || values.role === 'onsite' ? values.role : 'observer';
const count = role === 'onsite' ? 0 : Number(values.count);

interface Client {
  core: WorkstationCore;
  latencies: number[];
  /**
   * Per image: gateway -> whole frame here, and whole frame -> decoded (worker queue and decoding),
   * ms, as two flat lists paired into the report at the end. A two-element array per image cost
   * this process about 87 bytes of heap per image and workstation (a heap snapshot at minute 1 and
   * at minute 4: 72,000 more of them, 6.3 MB), some 19 MB for 20 observers over ten minutes: the
   * bench's own memory, counted in the RSS growth it measures. Flat lists of numbers take 8 bytes each.
   */
  toHere: number[];
  decoding: number[];
  rtts: number[];
  lastSample: number;
  images: number;
  refused: Record<string, number>;
  links: string[];
}

const rssStart = process.memoryUsage().rss;
const cpuStart = process.cpuUsage();
// RSS every RSS_SAMPLE_MS from "go": whether the process levels off once its workers and caches are warm.
const rssSamples: number[] = [];
const clients: Client[] = [];
const journalDir = mkdtempSync(join(tmpdir(), 'larmor-load-journals-'));
process.on('exit', () => rmSync(journalDir, { recursive: true, force: true }));
for (let i = 0; i < count; i++) {
  const core = new WorkstationCore({ journal: Journal.open(join(journalDir, `workstation-${i + 1}.sqlite`)) });
  // As the Electron shell and `larmor start` run it: decoding on workers, as many as the machine
  // gets (main/images/decode-pool.ts); --workers N sets the number (0: on the main thread).
  const pool = attachImageIntake(core, { workers: values.workers === undefined ? decodeWorkers() : Number(values.workers) });
  await pool?.ready;
  const client: Client = { core, latencies: [], toHere: [], decoding: [], rtts: [], lastSample: 0, images: 0, refused: {}, links: [] };
  // When each frame was whole here and handed to the decoder, by its number: the latency's split.
  const handed = new Map<number, number>();
  const decode = core.installedImageDecoder!;
  core.setImageDecoder((frame) => {
    const at = Date.now();
    const result = decode(frame);
    if (result instanceof Promise) void result.then((r) => r.ok && handed.set(r.seq, at));
    else if (result.ok) handed.set(result.seq, at);
    return result;
  });
  core.on('activity', (a) => {
    if (a.type === 'image-error') client.refused[a.code] = (client.refused[a.code] ?? 0) + 1;
    if (a.type === 'link') client.links.push(`${a.status}${a.code ? ` ${a.code}` : ''}`);
  });
  core.on('image-received', (header) => {
    const at = handed.get(header.seq);
    handed.delete(header.seq);
    if (at === undefined) return;
    client.toHere.push(at - Date.parse(header.at));
    client.decoding.push(Date.now() - at);
  });
  core.on('image', (image) => client.latencies.push(Date.now() - Date.parse(image.gatewayAt)));
  core.on('image-received', () => client.images++);
  const name = role === 'operator' ? 'Remote Tech' : `Observer ${Number(values.first) + i}`;
  await core.connect({ url: values.url!, role, name, ...testLogin(name) });
  clients.push(client);
}
// The onsite console: its heartbeat is safety rule 1; it takes every image and keeps none.
const onsite = role === 'onsite' ? await RawClient.greeted(values.url!, 'onsite', 'Onsite Tech') : null;
const onsiteHeartbeat = onsite && setInterval(() => onsite.sendJson({ type: 'ping', t: Date.now() }), Number(values['heartbeat-ms']));
if (onsite) {
  onsite.sendJson({ type: 'onsite', id: 'check-in', action: { name: 'presence.check-in', credential: 'registered-technologist' } });
  const ack = await onsite.next((m) => m.type === 'ack' && m.id === 'check-in');
  if (ack.type !== 'ack' || ack.outcome !== 'done') throw new Error(`onsite check-in refused: ${JSON.stringify(ack)}`);
}
const forget = onsite && setInterval(() => ((onsite.images.length = 0), (onsite.messages.length = 0)), 1000);
const sampler = setInterval(() => {
  for (const c of clients) {
    for (const s of c.core.view().health.samples) {
      if (s.at > c.lastSample && s.rttMs !== null) c.rtts.push(s.rttMs);
      c.lastSample = Math.max(c.lastSample, s.at);
    }
  }
}, 500);
const commands = createInterface({ input: process.stdin });
const next = (word: string) => new Promise<void>((resolve) => commands.on('line', (line) => line === word && resolve()));
const stopped = next('stop');
let stopping = false;
void Promise.race([stopped, next('hold')]).then(() => (stopping = true));
process.stdout.write('ready\n');
// The onsite console is never told "go": it only waits to be stopped.
await Promise.race([next('go'), stopped]);
const rssSampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), RSS_SAMPLE_MS);
if (role === 'operator') {
  // Keep the scanner acquiring: open an exam, then queue and start one protocol after another.
  const core = clients[0]!.core;
  await core.sendCommand({ name: 'exam.open', patient: PATIENT, description: 'MRI BRAIN', accessionNumber: 'LOAD1' });
  const protocols = ['t1-se-ax', 't2-tse-ax', 'flair-ax', 't1-gre-ax'];
  for (let n = 0; !stopping; n++) {
    const state = core.view().snapshot?.state;
    if (!acquisitionUnderway(state)) {
      await core.sendCommand({ name: 'sequence.queue', protocolId: protocols[n % protocols.length]! });
      await core.sendCommand({ name: 'scan.start' });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // Held: the running series is stopped too, so that nothing is published after the drain and
  // the images each workstation took are counted against a total that no longer moves.
  const state = core.view().snapshot?.state;
  if (acquisitionUnderway(state)) await core.sendCommand({ name: 'scan.stop' });
}
await stopped;
clearInterval(sampler);
clearInterval(rssSampler);
if (onsiteHeartbeat) clearInterval(onsiteHeartbeat);
if (forget) clearInterval(forget);
onsite?.close();
const cpu = process.cpuUsage(cpuStart);
const report = {
  role,
  rssStart,
  rssEnd: process.memoryUsage().rss,
  rssSamples,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  clients: clients.map((c) => ({
    latencies: c.latencies,
    split: c.toHere.map((ms, i) => [ms, c.decoding[i]!]),
    rtts: c.rtts,
    images: c.images,
    refused: c.refused,
    links: c.links,
  })),
};
// Serialised before disconnecting: the report's link history ends with the run, not with this goodbye.
const line = `${JSON.stringify(report)}\n`;
for (const c of clients) c.core.disconnect();
// A pipe is written asynchronously: exit only once the (large) report has gone out whole.
process.stdout.write(line, () => process.exit(0));
