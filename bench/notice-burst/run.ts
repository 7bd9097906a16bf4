/**
 * A burst of events into a workstation that journals them, as after a resume (the gateway
 * replays what the link missed, thousands of events at once): N notices published by a gateway
 * to one workstation core, with its journal on disk and, for reference in the same run, without
 * one. Prints how long the core took them in and how long its event loop stood still (gateway and
 * core share this process, as heartbeats would share the workstation's loop).
 *   npx tsx bench/notice-burst/run.ts [--notices 5000] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { Journal } from '../../main/journal/journal.js';
import { startTestGateway } from '../../tests/helpers/gateway.js';
import { testLogin } from '../../tests/helpers/accounts.js';
import { percentile, printTable } from '../lib/stats.js';
import { numberArg } from '../lib/args.js';

const NOTICES = numberArg('--notices', 5000);
const ROUNDS = numberArg('--rounds', 3);

async function burst(withJournal: boolean): Promise<{ ms: number; stillMs: number }> {
  const gateway = await startTestGateway();
  const dir = mkdtempSync(join(tmpdir(), 'larmor-burst-'));
  const journal = withJournal ? Journal.open(join(dir, 'journal.sqlite')) : null;
  const core = new WorkstationCore({ journal });
  try {
    await core.connect({ url: gateway.url, role: 'operator', ...testLogin('Remote Tech') });
    let taken = 0;
    core.on('activity', (a) => {
      if (a.type === 'notice') taken++;
    });
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    for (let i = 0; i < NOTICES; i++) gateway.notice('info', `notice ${i} of a burst`);
    while (taken < NOTICES) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - started;
    delay.disable();
    return { ms, stillMs: delay.max / 1e6 };
  } finally {
    core.disconnect();
    journal?.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => percentile(values, 50);
const rows: (string | number)[][] = [];
for (const withJournal of [false, true]) {
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await burst(withJournal));
  const ms = median(runs.map((r) => r.ms));
  rows.push([withJournal ? 'journal on disk' : 'no journal (reference)', ms, (ms / NOTICES) * 1000, median(runs.map((r) => r.stillMs))]);
}
console.log(`${NOTICES} notices in one burst, median of ${ROUNDS} rounds\n`);
printTable(['workstation core', 'taken in ms', 'us a notice', 'loop still ms (max)'], rows);
process.exit(0);
