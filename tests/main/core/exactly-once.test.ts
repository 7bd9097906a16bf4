import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type CommandView, type ScannerCommand } from '../../../protocol/index.js';
import { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { seededRandom } from '../../../base/common/random.js';
import { Journal } from '../../../main/journal/journal.js';
import { PATIENT } from '../../helpers/gateway.js';
import { FaultProxy } from '../../helpers/fault-proxy.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ActivityLog, sleep } from './core-harness.js';
import { addCommonTestAccounts, testLogin } from '../../helpers/accounts.js';

const COMMANDS = 1000;
const SEED = 20261129;

let gateway: Gateway | undefined;
let proxy: FaultProxy | undefined;
let core: WorkstationCore | undefined;
let journal: Journal | undefined;

afterEach(async () => {
  core?.disconnect();
  journal?.close();
  await proxy?.close();
  await gateway?.close();
  gateway = proxy = core = journal = undefined;
});

/** The i-th command of a repeating exam: open, twenty queued sequences, close. */
function commandAt(i: number): ScannerCommand {
  const k = i % 22;
  if (k === 0) return { name: 'exam.open', patient: PATIENT, description: `EXAM ${i}`, accessionNumber: null };
  if (k === 21) return { name: 'exam.close' };
  return { name: 'sequence.queue', protocolId: 'localizer' };
}

describe('exactly-once command effect', () => {
  it(`relays ${COMMANDS} commands through random cuts and gateway restarts: 0 lost, 0 applied twice, order kept`, async () => {
    const random = seededRandom(SEED);
    const dir = tempDir();
    const dataFile = join(dir, 'gateway.sqlite');
    // Commands as fast as the relay takes them, far faster than a technologist clicks.
    const linkLimits = { commandsPerSecond: 100_000, commandBurst: 100_000 };
    const options = { port: 0, dataFile, autoGrantControl: true, requireChecklist: false, timeScale: 1, linkLimits };
    gateway = await Gateway.start(options);
    await addCommonTestAccounts(gateway);
    const port = gateway.port;
    proxy = await FaultProxy.start(port);
    journal = Journal.open(join(dir, 'journal.sqlite'));
    core = new WorkstationCore({ journal, random: seededRandom(SEED + 1), reconnect: { baseDelayMs: 50, capDelayMs: 400 } });
    const log = new ActivityLog(core);
    await core.connect({ url: proxy.url, role: 'operator', ...testLogin('Remote Tech') });

    const faults = { reset: 0, close: 0, blackhole: 0, restart: 0 };
    let faultInProgress: Promise<void> = Promise.resolve();
    const injectFault = async (): Promise<void> => {
      const r = random();
      if (r < 0.35) {
        faults.reset++;
        proxy!.reset();
      } else if (r < 0.55) {
        faults.close++;
        proxy!.closeClean();
      } else if (r < 0.75) {
        faults.blackhole++;
        proxy!.blackholeClientSide();
      } else {
        faults.restart++;
        await gateway!.close();
        gateway = await Gateway.start({ ...options, port });
      }
    };

    const live = async (): Promise<void> => {
      await faultInProgress;
      while (core!.view().health.state !== 'healthy' && core!.view().health.state !== 'degraded') {
        await log.next((a) => a.type === 'health' && (a.state === 'healthy' || a.state === 'degraded' || a.state === 'failed'), log.length);
      }
      proxy!.heal();
    };

    /** Logical command index -> the view of its final send. */
    const finals: CommandView[] = [];
    let refusedWhileDown = 0;
    let i = 0;
    while (i < COMMANDS) {
      await live();
      const batch = Math.min(COMMANDS - i, 1 + Math.floor(random() * 4));
      // One tick: the whole batch goes out (or is refused) against the same link state.
      const sends = Array.from({ length: batch }, (_, b) => core!.sendCommand(commandAt(i + b)));
      if (random() < 0.05) {
        const delay = random() * 3;
        faultInProgress = sleep(delay).then(injectFault);
      }
      const views = await Promise.all(sends);
      // Keep the ones the gateway decided; refused-while-down ones never left and go again, in order.
      let accepted = 0;
      for (const v of views) {
        if (v.code === ErrorCode.LINK_DOWN) break;
        finals.push(v);
        accepted++;
      }
      refusedWhileDown += views.filter((v) => v.code === ErrorCode.LINK_DOWN).length;
      i += accepted;
    }
    await faultInProgress;

    const totalFaults = faults.reset + faults.close + faults.blackhole + faults.restart;
    console.log(`faults ${JSON.stringify(faults)}, refused while down ${refusedWhileDown}, resends ${log.all.filter((a) => a.type === 'resend').length}`);
    expect(totalFaults).toBeGreaterThanOrEqual(10);
    expect(faults.restart).toBeGreaterThanOrEqual(2);

    // 0 lost: every logical command ended with the gateway's own outcome.
    expect(finals).toHaveLength(COMMANDS);
    const gatewayDecided = finals.filter(
      (v) =>
        v.state === 'done' ||
        (v.code !== null && v.code !== ErrorCode.RECONNECT_EXHAUSTED && v.code !== ErrorCode.LINK_DOWN && v.code !== 'LARMOR_E_OUTCOME_UNKNOWN'),
    );
    expect(gatewayDecided).toHaveLength(COMMANDS);
    expect(finals.filter((v) => v.state === 'done').length).toBeGreaterThan(COMMANDS / 2);

    // 0 applied twice, order kept: the gateway's durable audit, across every restart.
    const audit = gateway!.store.auditTrail(1_000_000).filter((r) => r.action.startsWith('command ') && r.decision !== 'duplicate');
    const appliedIds = audit.map((r) => (r.detail as { id: string }).id);
    const sentIds = finals.map((v) => v.id);
    const counts = new Map<string, number>();
    for (const id of appliedIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(appliedIds.filter((id) => sentIds.includes(id))).toEqual(sentIds);

    // The workstation's outbox is empty and its journal intact.
    expect(journal.unsettled()).toEqual([]);
    expect(journal.integrityCheck()).toBe('ok');
  }, 180_000);
});
