/**
 * A workstation process for the kill -9 tests: the real core with a real journal, driven
 * headlessly. `run` sends commands, a few in flight at a time, printing each id as it is
 * journalled and sent (SENT) and each outcome once the core has it, so once the journal has it
 * (ACK); `one` sends a single exam.open when told to on stdin, then waits; `recover` connects,
 * lets the core recover what the journal left unsettled, prints what it did and exits.
 */
import { Journal } from '../../../main/journal/journal.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { PATIENT } from '../../helpers/gateway.js';
import { testLogin } from '../../helpers/accounts.js';

const [mode, url, file] = process.argv.slice(2);
const journal = Journal.open(file);
const core = new WorkstationCore({ journal });
const print = (line: string) => process.stdout.write(`${line}\n`);

core.on('activity', (a) => {
  if (a.type === 'command') print(`SENT ${a.id}`);
  if (a.type === 'resend') print(`RESEND ${a.id}`);
  if (a.type === 'lookup') print(`LOOKUP ${a.id} ${a.why}`);
  if (a.type === 'ack' && a.recovered) print(`RECOVERED ${a.id} ${a.outcome} ${a.code ?? '-'}`);
});

await core.connect({ url, role: 'operator', ...testLogin('Crash Tech') });

if (mode === 'recover') {
  const started = Date.now();
  while (journal.unsettled().length > 0 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
  print(`UNSETTLED ${journal.unsettled().length}`);
  core.disconnect();
  journal.close();
  process.exit(0);
}

print('READY');
if (mode === 'one') {
  process.stdin.once('data', () => void core.sendCommand({ name: 'exam.open', patient: PATIENT, description: 'NEVER DELIVERED', accessionNumber: null }));
} else {
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
}
