/**
 * Link failover benchmark (docs/architecture.md "Link health"), everything on loopback with real sockets:
 *   1. silent-cut detection: N black-hole cuts (no FIN) at a random heartbeat phase; time from
 *      the cut to the core's `lost` transition (target p95 <= 1.5 s);
 *   2. failover: time from a silent cut of the primary to a live link on the secondary route
 *      (target <= 3 s);
 *   3. command-relay overhead: core.sendCommand round trip minus a raw WebSocket command round
 *      trip to the same gateway, interleaved (target p99 <= 2 ms), with and without the journal;
 *   4. false alarms: a link with 300 ms jitter and 5% loss each way for --duration-s seconds;
 *      `lost` transitions there are false alarms (target 0).
 *
 *   npx tsx bench/failover/run.ts [--cuts 50] [--failovers 10] [--commands 2000] [--duration-s 60] [--seed 1]
 *                                 [--only detection,failover,relay,jitter]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Gateway } from '../../gateway/server/gateway.js';
import { HEALTH_THRESHOLDS } from '../../protocol/health.js';
import type { HealthTransition } from '../../main/core/link-supervisor.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { seededRandom } from '../../base/common/random.js';
import { Journal } from '../../main/journal/journal.js';
import { FaultProxy } from '../../tests/helpers/fault-proxy.js';
import { RawClient } from '../../tests/helpers/gateway.js';
import { ensureTestAccount, registerTestGateway, testLogin } from '../../tests/helpers/accounts.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    cuts: { type: 'string', default: '50' },
    failovers: { type: 'string', default: '10' },
    commands: { type: 'string', default: '2000' },
    'duration-s': { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    /** Comma list of parts to run: detection,failover,relay,jitter (default all). */
    only: { type: 'string', default: 'detection,failover,relay,jitter' },
  },
});
const ONLY = new Set(values.only.split(','));
const CUTS = Number(values.cuts);
const FAILOVERS = Number(values.failovers);
const COMMANDS = Number(values.commands);
const DURATION_S = Number(values['duration-s']);
const random = seededRandom(Number(values.seed));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-failover-'));

function nextHealth(core: WorkstationCore, match: (t: HealthTransition) => boolean): Promise<HealthTransition> {
  return new Promise((resolve) => {
    const on = (a: { type: string }) => {
      if (a.type === 'health' && match(a as HealthTransition)) {
        core.off('activity', on);
        resolve(a as HealthTransition);
      }
    };
    core.on('activity', on);
  });
}

async function detection(gateway: Gateway): Promise<number[]> {
  const proxy = await FaultProxy.start(gateway.port);
  const core = new WorkstationCore({ random });
  await core.connect({ url: proxy.url, role: 'observer', ...testLogin('bench-detect') });
  const times: number[] = [];
  for (let i = 0; i < CUTS; i++) {
    // Let a few heartbeats pass, then cut at a random phase of the heartbeat.
    await sleep(1000 + random() * HEALTH_THRESHOLDS.heartbeatMs);
    const lost = nextHealth(core, (t) => t.state === 'lost');
    const cutAt = proxy.blackhole();
    const t = await lost;
    times.push(t.atMs - cutAt);
    proxy.heal();
    await nextHealth(core, (t) => t.state === 'healthy');
  }
  core.disconnect();
  await proxy.close();
  return times;
}

async function failover(gateway: Gateway): Promise<{ detect: number[]; live: number[] }> {
  const detect: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < FAILOVERS; i++) {
    const primary = await FaultProxy.start(gateway.port);
    const secondary = await FaultProxy.start(gateway.port);
    const core = new WorkstationCore({ random });
    await core.connect({ url: primary.url, secondaryUrl: secondary.url, role: 'observer', ...testLogin('bench-failover') });
    await sleep(1000 + random() * HEALTH_THRESHOLDS.heartbeatMs);
    const lost = nextHealth(core, (t) => t.state === 'lost');
    const back = nextHealth(core, (t) => t.state === 'healthy' && t.route === 'secondary');
    const cutAt = primary.blackhole();
    detect.push((await lost).atMs - cutAt);
    live.push((await back).atMs - cutAt);
    core.disconnect();
    await primary.close();
    await secondary.close();
  }
  return { detect, live };
}

/** Interleaved round trips of the same refused command: raw WebSocket vs the core's relay. */
async function relayOverhead(gateway: Gateway, withJournal: boolean): Promise<{ raw: number[]; relay: number[] }> {
  const raw = await RawClient.greeted(gateway.url, 'observer', 'bench-raw');
  const journal = withJournal ? Journal.open(join(dir, 'journal.sqlite')) : null;
  const core = new WorkstationCore({ journal });
  await core.connect({ url: gateway.url, role: 'observer', ...testLogin('bench-relay') });
  const command = { name: 'scan.pause' } as const; // refused for an observer, same gateway path for both
  const rawTimes: number[] = [];
  const relayTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    await raw.command(`warm-raw-${withJournal}-${i}`, command);
    await core.sendCommand(command);
  }
  for (let i = 0; i < COMMANDS; i++) {
    let t = performance.now();
    await raw.command(`raw-${withJournal}-${i}-${Date.now()}`, command);
    rawTimes.push(performance.now() - t);
    t = performance.now();
    await core.sendCommand(command);
    relayTimes.push(performance.now() - t);
  }
  raw.close();
  core.disconnect();
  journal?.close();
  return { raw: rawTimes, relay: relayTimes };
}

/** The disk's share: one synchronous=FULL insert, as the relay makes two per command. */
function journalWrites(n: number): number[] {
  const journal = Journal.open(join(dir, 'fsync.sqlite'));
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const record = { type: 'bench', at: new Date().toISOString(), i };
    journal.record(record);
    times.push(performance.now() - t);
  }
  journal.close();
  return times;
}

async function falseAlarms(gateway: Gateway): Promise<{ lost: number; degradedMs: number; rtt: number[]; lostAfter: number[] }> {
  const proxy = await FaultProxy.start(gateway.port);
  proxy.setConditions({ jitterMs: 300, loss: 0.05, lossPenaltyMs: 300, random });
  const core = new WorkstationCore({ random });
  const transitions: HealthTransition[] = [];
  core.on('activity', (a) => a.type === 'health' && transitions.push(a));
  await core.connect({ url: proxy.url, role: 'observer', ...testLogin('bench-jitter') });
  const start = performance.now();
  const rtt: number[] = [];
  const lostAfter: number[] = [];
  while (performance.now() - start < DURATION_S * 1000) {
    await sleep(1000);
    const h = core.view().health;
    if (h.rttMs !== null) rtt.push(h.rttMs);
    lostAfter.push(h.lostAfterMs);
  }
  const end = performance.now();
  let degradedMs = 0;
  let degradedSince: number | null = null;
  for (const t of transitions) {
    const at = t.atMs - performance.timeOrigin;
    if (t.state === 'degraded' && degradedSince === null) degradedSince = at;
    if (t.state !== 'degraded' && degradedSince !== null) {
      degradedMs += at - degradedSince;
      degradedSince = null;
    }
  }
  if (degradedSince !== null) degradedMs += end - degradedSince;
  core.disconnect();
  await proxy.close();
  return { lost: transitions.filter((t) => t.state === 'lost').length, degradedMs, rtt, lostAfter };
}

const gateway = await Gateway.start({ port: 0, dataFile: join(dir, 'gateway.sqlite') });
// Sign-in is part of every connect: the bench people get accounts (cheap hashes, as in the tests).
registerTestGateway(gateway);
for (const name of ['bench-detect', 'bench-failover', 'bench-raw', 'bench-relay', 'bench-jitter']) await ensureTestAccount(gateway, name);
try {
  console.log(`Larmor failover benchmark (loopback, heartbeat ${HEALTH_THRESHOLDS.heartbeatMs} ms, loss floor ${HEALTH_THRESHOLDS.lostFloorMs} ms)\n`);
  const rows: (string | number)[][] = [];
  const row = (name: string, xs: number[], target = '') =>
    rows.push([name, String(xs.length), percentile(xs, 50), percentile(xs, 95), percentile(xs, 99), Math.max(...xs), target]);
  if (ONLY.has('detection')) row('silent-cut detection', await detection(gateway), 'p95 <= 1500');
  if (ONLY.has('failover')) {
    const fo = await failover(gateway);
    row('failover: cut -> lost', fo.detect);
    row('failover: cut -> live on secondary', fo.live, 'max <= 3000');
  }
  if (ONLY.has('relay')) {
    const overhead = (name: string, r: { raw: number[]; relay: number[] }) =>
      rows.push([name, String(r.relay.length), ...[50, 95, 99].map((p) => percentile(r.relay, p) - percentile(r.raw, p)), '', 'p99 <= 2']);
    const plain = await relayOverhead(gateway, false);
    const journalled = await relayOverhead(gateway, true);
    row('raw WebSocket command RTT', plain.raw);
    row('core relay RTT (no journal)', plain.relay);
    overhead('relay overhead (no journal)', plain);
    row('core relay RTT (journal, FULL)', journalled.relay);
    overhead('relay overhead (journal, FULL)', journalled);
    row('one journal write (fsync, FULL)', journalWrites(COMMANDS));
  }
  if (rows.length) printTable(['measure', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'target'], rows);
  if (ONLY.has('jitter')) {
    console.log(`\nFalse-alarm run: ${DURATION_S} s, 300 ms jitter and 5% loss (300 ms retransmit penalty) each way...`);
    const fa = await falseAlarms(gateway);
    printTable(
      ['false-alarm run', 'lost (false alarms)', 'degraded s', 'RTT p50 ms', 'RTT max ms', 'loss limit p50 ms', 'loss limit max ms', 'target'],
      [
        [
          `${DURATION_S} s`,
          String(fa.lost),
          fa.degradedMs / 1000,
          percentile(fa.rtt, 50),
          Math.max(...fa.rtt),
          percentile(fa.lostAfter, 50),
          Math.max(...fa.lostAfter),
          '0 lost',
        ],
      ],
    );
  }
} finally {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
}
