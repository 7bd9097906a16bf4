import { parseArgs } from 'node:util';
import { LarmorError } from '../../protocol/index.js';
import { WorkstationCore } from '../core/workstation-core.js';
import { EventRecorder } from './recorder.js';

const USAGE = 'usage: larmor record --gateway URL --out DIR [--role operator|observer] [--name NAME] [--token T]';
const RETRY_MS = 1000;

/**
 * `larmor record`: the workstation core without a UI. Runs until SIGINT/SIGTERM, then exits 0
 * with everything written.
 */
export async function runRecord(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        gateway: { type: 'string' },
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
  const core = new WorkstationCore();
  const recorder = new EventRecorder(core, values.out);
  const request = { url: values.gateway, role: values.role, name: values.name, ...(values.token ? { token: values.token } : {}) };
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
    if (a.type === 'link' && a.status === 'lost' && !stopping) retry = setTimeout(connect, RETRY_MS);
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
  console.error(`larmor record: ${recorder.count} events written to ${recorder.dir}`);
  return 0;
}
