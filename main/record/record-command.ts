import { parseArgs } from 'node:util';
import { LarmorError } from '../../protocol/index.js';
import { WorkstationCore } from '../core/workstation-core.js';
import { Journal } from '../journal/journal.js';
import { EventRecorder } from './recorder.js';
import { attachImageIntake } from '../images/image-intake.js';

const USAGE =
  'usage: larmor record --gateway URL --out DIR [--secondary URL] [--journal FILE] [--role operator|observer] [--name NAME] [--token T]';
const RETRY_MS = 1000;

/**
 * `larmor record`: the workstation core without a UI. Every activity, health transitions
 * included ({"type":"health","state":...,"at":...} with the figures that drove it), goes to
 * DIR/events.jsonl. The core reconnects by itself (primary, then --secondary) after a loss;
 * this loop only retries a first connection that failed or a reconnect budget that ran out.
 * Runs until SIGINT/SIGTERM, then exits 0 with everything written.
 */
export async function runRecord(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        gateway: { type: 'string' },
        secondary: { type: 'string' },
        journal: { type: 'string' },
        out: { type: 'string' },
        role: { type: 'string', default: 'observer' },
        name: { type: 'string', default: 'larmor-record' },
        token: { type: 'string' },
      },
    }));
  } catch (err) {
    console.error(`larmor record: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.gateway || !values.out) {
    console.error(`larmor record: --gateway and --out are required\n${USAGE}`);
    return 2;
  }
  if (values.role !== 'operator' && values.role !== 'observer') {
    console.error(`larmor record: --role must be operator or observer\n${USAGE}`);
    return 2;
  }
  let journal: Journal | null = null;
  if (values.journal) {
    try {
      journal = Journal.open(values.journal);
    } catch (err) {
      console.error(`larmor record: ${(err as LarmorError).code}: ${(err as Error).message}`);
      return 1;
    }
  }
  const core = new WorkstationCore({ journal });
  const recorder = new EventRecorder(core, values.out);
  attachImageIntake(core);
  core.on('image-received', (header, part10) => recorder.saveImage(header, part10));
  const request = {
    url: values.gateway,
    role: values.role,
    name: values.name,
    ...(values.token ? { token: values.token } : {}),
    ...(values.secondary ? { secondaryUrl: values.secondary } : {}),
  };
  let stopping = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = (): void => {
    core.connect(request).catch((err: LarmorError) => {
      if (stopping) return;
      console.error(`larmor record: ${err.code}: ${err.message}; retrying in ${RETRY_MS} ms`);
      retry = setTimeout(connect, RETRY_MS);
    });
  };
  core.on('activity', (a) => {
    if (a.type === 'health' && a.state === 'failed' && !stopping) retry = setTimeout(connect, RETRY_MS);
  });
  connect();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stopping = true;
  if (retry) clearTimeout(retry);
  core.disconnect();
  recorder.close();
  journal?.close();
  console.error(`larmor record: ${recorder.count} events written to ${recorder.dir}`);
  return 0;
}
