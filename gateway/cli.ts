import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IceServer, codeOf, describeIssues } from '../protocol/index.js';
import { Gateway } from './server/gateway.js';
import { runPlans } from './collaboration/plans-command.js';
import { DICOM_CLI_OPTIONS, DICOM_CLI_USAGE, dicomOptionsFromFlags } from './dicom-scp/cli-options.js';

const USAGE = `usage: larmor gateway [--port N] [--host ADDR] [--time-scale X] [--data-dir DIR]
                      [--tls-cert FILE --tls-key FILE] [--token TOKEN]
                      [--site NAME] [--fallback TEXT] [--dicom-port M [--ae-title T]]
                      [--ice-servers JSON] [--operator-loss finish|pause|stop] [--control-grace S]
                      ${DICOM_CLI_USAGE}
                      [--observer-phi none|full]
                      [--audit-syslog tls://HOST:PORT [--audit-syslog-ca FILE]
                       [--audit-syslog-cert FILE --audit-syslog-key FILE]]`;

/**
 * `larmor gateway`: the scanner-side service. When started by the workstation (`npm start`)
 * with an IPC channel, it reports its port with process.send instead of making the parent
 * parse stdout.
 */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'plans') return runPlans(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.LARMOR_GATEWAY_PORT ?? '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'time-scale': { type: 'string', default: process.env.LARMOR_TIME_SCALE ?? '1' },
      'data-dir': { type: 'string', default: process.env.LARMOR_DATA_DIR ?? join(homedir(), '.larmor') },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      token: { type: 'string', default: process.env.LARMOR_GATEWAY_TOKEN },
      site: { type: 'string' },
      fallback: { type: 'string' },
      // WebRTC for real networks: e.g. '[{"urls":"stun:stun.example.org"},{"urls":"turn:t.example.org","username":"u","credential":"p"}]'
      'ice-servers': { type: 'string', default: process.env.LARMOR_ICE_SERVERS },
      'operator-loss': { type: 'string', default: process.env.LARMOR_OPERATOR_LOSS ?? 'finish' },
      'control-grace': { type: 'string', default: process.env.LARMOR_CONTROL_GRACE_S },
      'dicom-port': { type: 'string', default: process.env.LARMOR_DICOM_PORT },
      'ae-title': { type: 'string', default: process.env.LARMOR_AE_TITLE ?? 'LARMOR' },
      // What observers see of the patient: none (identifiers removed, PS3.15 Annex E) or full.
      'observer-phi': { type: 'string', default: process.env.LARMOR_OBSERVER_PHI ?? 'none' },
      // The site's audit record repository (IHE ATNA): RFC 5425 syslog over TLS.
      'audit-syslog': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG },
      'audit-syslog-ca': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_CA },
      'audit-syslog-cert': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_CERT },
      'audit-syslog-key': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_KEY },
      help: { type: 'boolean', default: false },
      ...DICOM_CLI_OPTIONS,
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(`--port ${values.port} is not a port number`);
  if (!(timeScale > 0 && timeScale <= 1000)) return usageError(`--time-scale ${values['time-scale']} must be in (0, 1000]`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) return usageError('--tls-cert and --tls-key go together');
  const dicomPort = values['dicom-port'] === undefined ? undefined : Number(values['dicom-port']);
  if (dicomPort !== undefined && !(Number.isInteger(dicomPort) && dicomPort >= 0 && dicomPort <= 65535)) return usageError(`--dicom-port ${values['dicom-port']} is not a port number`);
  // PS3.8 9.3.1.1: AE titles are 1-16 characters of the default repertoire, no backslash.
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(values['ae-title']) || values['ae-title'].trim() === '') return usageError('--ae-title must be 1-16 printable characters');
  const dicomHardening = dicomOptionsFromFlags(values);
  if (dicomHardening instanceof Error) return usageError(dicomHardening.message);
  const iceServers = parseIceServers(values['ice-servers']);
  if (iceServers instanceof Error) return usageError(iceServers.message);
  const operatorLoss = values['operator-loss'];
  if (operatorLoss !== 'finish' && operatorLoss !== 'pause' && operatorLoss !== 'stop') return usageError(`--operator-loss ${operatorLoss} must be finish, pause or stop`);
  const graceS = values['control-grace'] === undefined ? undefined : Number(values['control-grace']);
  if (graceS !== undefined && !(graceS >= 0 && graceS <= 3600)) return usageError(`--control-grace ${values['control-grace']} must be 0..3600 seconds`);
  const observerPhi = values['observer-phi'];
  if (observerPhi !== 'none' && observerPhi !== 'full') return usageError(`--observer-phi ${observerPhi} must be none or full`);
  if (values['audit-syslog'] !== undefined && !/^tls:\/\/.+:\d+\/?$/.test(values['audit-syslog'])) return usageError(`--audit-syslog ${values['audit-syslog']} must be tls://HOST:PORT`);
  if (Boolean(values['audit-syslog-cert']) !== Boolean(values['audit-syslog-key'])) return usageError('--audit-syslog-cert and --audit-syslog-key go together');
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({
      port,
      host: values.host,
      timeScale,
      dataFile: join(values['data-dir'], 'gateway', 'gateway.sqlite'),
      tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined,
      token: values.token,
      site: values.site ? { name: values.site, scanner: 'Simulated 1.5 T', fieldStrengthT: 1.5 } : undefined,
      policy: { ...(values.fallback ? { fallbackInstructions: values.fallback } : {}), ...(graceS !== undefined ? { controlGraceS: graceS } : {}), ...LOSS_WORDS[operatorLoss] },
      operatorLossAction: operatorLoss,
      iceServers,
      observerPhi,
      auditSyslog: values['audit-syslog']
        ? {
            url: values['audit-syslog'],
            ca: values['audit-syslog-ca'] ? readFileSync(values['audit-syslog-ca']) : undefined,
            cert: values['audit-syslog-cert'] ? readFileSync(values['audit-syslog-cert']) : undefined,
            key: values['audit-syslog-key'] ? readFileSync(values['audit-syslog-key']) : undefined,
          }
        : undefined,
      dicom: dicomPort === undefined ? undefined : { port: dicomPort, host: values.host, aeTitle: values['ae-title'], ...dicomHardening },
      log: (line) => console.log(`[gateway] ${line}`),
    });
  } catch (err) {
    const code = codeOf(err);
    console.error(`larmor gateway: ${code}: ${(err as Error).message}`);
    return 1;
  }
  if (gateway.imaging?.dicomPort != null) console.log(`DICOM receiver: ${values['ae-title']}@${values.host}:${gateway.imaging.dicomPort}`);
  // Under `npm start` the parent prints it (from the ready message) next to the workstation's address.
  if (!process.send) console.log(`onsite console: ${gateway.onsiteUrl}`);
  process.send?.({ type: 'gateway-ready', url: gateway.url, port: gateway.port, dicomPort: gateway.imaging?.dicomPort ?? null, onsiteUrl: gateway.onsiteUrl });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
  });
  await gateway.close();
  return 0;
}

/** The failover banner's words for each site policy (LinkPolicy.onOperatorLoss). */
const LOSS_WORDS = {
  finish: {},
  pause: { onOperatorLoss: 'The running sequence pauses; nothing new starts; onsite staff have been alerted.' },
  stop: { onOperatorLoss: 'The running sequence stops; nothing new starts; onsite staff have been alerted.' },
} as const;

function parseIceServers(text: string | undefined): IceServer[] | undefined | Error {
  if (text === undefined || text.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return new Error('--ice-servers must be JSON: [{"urls":"stun:host:3478"}, ...]');
  }
  const parsed = IceServer.array().max(8).safeParse(raw);
  return parsed.success ? parsed.data : new Error(`--ice-servers: ${describeIssues(parsed.error.issues)}`);
}

function usageError(message: string): number {
  console.error(`larmor gateway: ${message}\n${USAGE}`);
  return 2;
}
