/**
 * A workstation process for the kill -9 test: the real core with a real journal, driven
 * headlessly. `run` sends commands, a few in flight at a time, printing each outcome once the
 * core has it (so once the journal has it); `recover` connects, lets the core resend what the
 * journal left unsettled, prints the recovered outcomes and exits.
 */
import { Journal } from '../../../main/journal/journal.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { PATIENT } from '../../helpers/gateway.js';

const [mode, url, file] = process.argv.slice(2);
const journal = Journal.open(file);
const core = new WorkstationCore({ journal });
const print = (line: string) => process.stdout.write(`${line}\n`);

core.on('activity', (a) => {
  if (a.type === 'ack' && a.recovered) print(`RECOVERED ${a.id} ${a.outcome}`);
});

await core.connect({ url, role: 'operator', name: 'Crash Tech' });

if (mode === 'recover') {
  const started = Date.now();
  while (journal.unsettled().length > 0 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
  print(`UNSETTLED ${journal.unsettled().length}`);
  core.disconnect();
  journal.close();
  process.exit(0);
}

print('READY');
const open = await core.sendCommand({ name: 'exam.open', patient: PATIENT, description: 'CRASH', accessionNumber: null });
print(`ACK ${open.id} ${open.state}`);
const IN_FLIGHT = 4;
const worker = async () => {
  for (;;) {
    const view = await core.sendCommand({ name: 'sequence.queue', protocolId: 'localizer' });
    print(`ACK ${view.id} ${view.state}`);
  }
};
for (let i = 0; i < IN_FLIGHT; i++) void worker();
