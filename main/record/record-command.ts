import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ErrorCode, type LarmorError } from '../../protocol/index.js';
import { WorkstationCore } from '../core/workstation-core.js';
import { Journal } from '../journal/journal.js';
import { EventRecorder } from './recorder.js';
import { attachImageIntake } from '../images/image-intake.js';
import { decodeWorkers } from '../images/decode-pool.js';
import { reconnectCuredBySignIn, waitBeforeRetry } from './link-failure.js';
import { fetchMissedImages } from './missed-images.js';

const USAGE =
  'usage: larmor record --gateway URL --out DIR --user NAME --password-stdin [--secondary URL] [--journal FILE] [--role operator|observer] [--token-file FILE]\n' +
  '       (instead of --password-stdin, the password may be in LARMOR_PASSWORD; the site token in LARMOR_GATEWAY_TOKEN)';
/**
 * The wait before starting again, doubled after each failed start up to RETRY_MAX_MS: an outage
 * of hours is not a line in events.jsonl every second, and one of seconds is over in a second.
 */
const RETRY_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** Exit statuses: 1 for a refusal by the gateway, 3 for output it could not write (2 is a bad argument). */
const REFUSED = 1;
const WRITE_FAILED = 3;

/**
 * `larmor record`: the workstation core without a UI. Every activity, health transitions
 * included ({"type":"health","state":...,"at":...} with the figures that drove it), goes to
 * DIR/events.jsonl. The core reconnects by itself (primary, then --secondary) after a loss;
 * this loop only retries a first connection that failed or a reconnect budget that ran out.
 * Runs through any outage until SIGINT/SIGTERM, then exits 0 with everything written; a refusal
 * (bad token, version, role, URL) ends it at once with status 1 and the code on stderr. A session
 * credential that ran out (its lifetime, or idle through an outage) is no refusal: it signs in again;
 * nor is a sign-in held back after failed guesses (anyone's): it waits as long as the gateway asks.
 * Output it cannot write (disk full, no permission) ends it with status 3 and RECORD_WRITE_FAILED,
 * its files closed: recording on without them would only look like recording.
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
        user: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        'token-file': { type: 'string' },
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
  if (!values.user) {
    console.error(`larmor record: --user is required: the gateway takes who you are from your account\n${USAGE}`);
    return 2;
  }
  // Never a command-line value: argv shows in `ps` to every user of the machine.
  const password = values['password-stdin'] ? await readFirstLine(process.stdin) : process.env.LARMOR_PASSWORD;
  if (!password) {
    console.error(`larmor record: give the password on standard input (--password-stdin) or in LARMOR_PASSWORD\n${USAGE}`);
    return 2;
  }
  let token: string | undefined;
  try {
    token = values['token-file'] ? readFileSync(values['token-file'], 'utf8').split(/\r?\n/)[0]!.trim() : process.env.LARMOR_GATEWAY_TOKEN;
  } catch (err) {
    console.error(`larmor record: --token-file: ${(err as Error).message}`);
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
  let recorder: EventRecorder;
  try {
    recorder = new EventRecorder(core, values.out);
  } catch (err) {
    journal?.close();
    console.error(`larmor record: ${(err as LarmorError).code}: ${(err as Error).message}`);
    return WRITE_FAILED;
  }
  // Decoding on workers, as in the shells: a large image never holds the heartbeat (decode-pool.ts).
  const decoders = attachImageIntake(core, { workers: decodeWorkers() });
  core.on('image-received', (header, part10) => recorder.saveImage(header, part10));
  // Missed during an outage and fetched after it (missed-images.ts).
  core.on('image-fetched', (header, part10) => recorder.saveFetchedImage(header, part10));
  fetchMissedImages(core, recorder.written);
  const request = {
    url: values.gateway,
    role: values.role,
    user: values.user,
    password,
    ...(token ? { token } : {}),
    ...(values.secondary ? { secondaryUrl: values.secondary } : {}),
  };
  let stopping = false;
  let retry: NodeJS.Timeout | null = null;
  let retryMs = RETRY_MS;
  const retryLater = (waitMs = retryMs): void => {
    retry = setTimeout(connect, waitMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
  let refuse: (failure: { code: string; message: string }) => void = () => undefined;
  const refused = new Promise<Failure>((resolve) => (refuse = (f) => resolve({ ...f, status: REFUSED, what: 'refused, stopping' })));

  const connect = (): void => {
    core.connect(request).catch((err: LarmorError) => {
      if (stopping) return;
      // A throttled sign-in's refusal carries the gateway's wait (sign-in-client.ts SignInRefused).
      const waitMs = waitBeforeRetry(err, retryMs);
      if (waitMs === null) return refuse({ code: err.code, message: err.message });
      console.error(`larmor record: ${err.code}: ${err.message}; retrying in ${waitMs} ms`);
      retryLater(waitMs);
    });
  };
  core.on('activity', (a) => {
    // Recording goes on (DIR/events.jsonl has it too): the journal is the outbox's durability, not the record.
    if (a.type === 'journal')
      console.error(`larmor record: ${a.state === 'failing' ? `${a.code}: ${a.reason}; the journal is not being written` : 'the journal is written again'}`);
    if (a.type === 'health' && a.state === 'healthy') retryMs = RETRY_MS;
    if (a.type !== 'health' || a.state !== 'failed' || stopping) return;
    // connect() signs in afresh: a credential that ran out during the run or the outage is no refusal.
    if (!reconnectCuredBySignIn(a.code)) return refuse({ code: a.code ?? ErrorCode.INTERNAL, message: a.reason });
    retryLater();
  });
  // The core's own timers are unref'd (in the app, the window keeps the process alive). Headless,
  // nothing else would during an outage with no socket open, and Node would exit mid-wait; this
  // handle holds the process until a signal or a refusal ends the run.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  connect();
  let onSignal: () => void = () => undefined;
  const interrupted = new Promise<null>((resolve) => (onSignal = () => resolve(null)));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unwritable = recorder.failed.then((err): Failure => ({ code: err.code, message: err.message, status: WRITE_FAILED, what: 'stopping' }));
  let failure = await Promise.race([interrupted, refused, unwritable]);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  clearInterval(keepAlive);
  stopping = true;
  if (retry) clearTimeout(retry);
  core.disconnect();
  // Frames already taken are still being decoded: each is written before the files close.
  await core.imagesSettled();
  await decoders?.close();
  recorder.close();
  journal?.close();
  // Interrupted, but an image still being decoded, or the close, could not be written.
  const late = recorder.writeFailure;
  if (!failure && late) failure = { code: late.code, message: late.message, status: WRITE_FAILED, what: 'stopped' };
  if (failure) {
    console.error(`larmor record: ${failure.code}: ${failure.message}`);
    console.error(`larmor record: ${failure.what}; ${recorder.count} events written to ${recorder.dir}`);
    return failure.status;
  }
  console.error(`larmor record: ${recorder.count} events written to ${recorder.dir}`);
  return 0;
}

/** What ended a run early, and the exit status it ends with. */
interface Failure {
  code: string;
  message: string;
  status: number;
  what: string;
}

/** The first line of a stream (the password piped in), without its line end. */
async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0]!;
}
