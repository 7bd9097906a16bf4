import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ErrorCode, IceServer, Role, codeOf, describeIssues } from '../protocol/index.js';
import { AccountStore } from './accounts/account-store.js';
import { createDemoAccounts, type DemoAccount } from './accounts/demo-accounts.js';
import { runUsers } from './accounts/users-command.js';
import { OnsiteNetworks } from './auth/onsite-network.js';
import { readSiteToken } from './auth/site-token.js';
import { Gateway } from './server/gateway.js';
import { runPlans } from './collaboration/plans-command.js';
import { DICOM_CLI_OPTIONS, DICOM_CLI_USAGE, dicomOptionsFromFlags } from './dicom-scp/cli-options.js';
import { gatewaySsoRoutes, loadOidcConfig, type OidcConfig } from './auth/oidc/index.js';
import { defaultDataDir, gatewayDataFile } from './storage/data-dir.js';
import { missingGcNodeOptions } from '../base/node/gc-node-options.js';

const USAGE = `usage: larmor gateway [--port N] [--host ADDR] [--time-scale X] [--data-dir DIR]
                      [--tls-cert FILE --tls-key FILE] [--token-file FILE]
                      [--site NAME] [--field-strength T] [--fallback TEXT] [--dicom-port M [--ae-title T]]
                      [--ice-servers JSON] [--operator-loss finish|pause|stop] [--control-grace S]
                      ${DICOM_CLI_USAGE}
                      [--observer-phi none|full] [--exam-images-mb MB]
                      [--audit-syslog tls://HOST:PORT [--audit-syslog-ca FILE]
                       [--audit-syslog-cert FILE --audit-syslog-key FILE] [--audit-syslog-unread-mb MB]]
                      [--onsite-from CIDR[,CIDR]] [--allow-origin ORIGIN[,ORIGIN]]
                      [--session-hours H] [--idle-minutes M] [--totp-for ROLE[,ROLE]]
                      [--oidc-config FILE]
       larmor gateway users add|list|disable|enable|set-password|set-roles ... (see larmor gateway users --help)`;

/**
 * `larmor gateway`: the scanner-side service. When started by the workstation (`npm start`)
 * with an IPC channel, it reports its port with process.send instead of making the parent
 * parse stdout.
 */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'plans') return runPlans(argv.slice(1));
  if (argv[0] === 'users') return runUsers(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.LARMOR_GATEWAY_PORT ?? '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'time-scale': { type: 'string', default: process.env.LARMOR_TIME_SCALE ?? '1' },
      'data-dir': { type: 'string', default: defaultDataDir() },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      // The site token never on the command line (argv shows in `ps`): a file, or the environment.
      'token-file': { type: 'string' },
      'onsite-from': { type: 'string', default: process.env.LARMOR_ONSITE_FROM },
      'allow-origin': { type: 'string', default: process.env.LARMOR_ALLOW_ORIGINS },
      'session-hours': { type: 'string', default: process.env.LARMOR_SESSION_HOURS },
      'idle-minutes': { type: 'string', default: process.env.LARMOR_IDLE_MINUTES },
      'totp-for': { type: 'string', default: process.env.LARMOR_TOTP_FOR },
      // `npm start`: on a fresh data dir, create one demo account per role and print their passwords once.
      'demo-accounts': { type: 'boolean', default: false },
      site: { type: 'string' },
      // The simulated magnet, e.g. 3 (npm start runs a 1.5 T and a 3 T scanner side by side).
      'field-strength': { type: 'string', default: process.env.LARMOR_FIELD_STRENGTH_T },
      fallback: { type: 'string' },
      // WebRTC for real networks: e.g. '[{"urls":"stun:stun.example.org"},{"urls":"turn:t.example.org","username":"u","credential":"p"}]'
      'ice-servers': { type: 'string', default: process.env.LARMOR_ICE_SERVERS },
      'operator-loss': { type: 'string', default: process.env.LARMOR_OPERATOR_LOSS ?? 'finish' },
      'control-grace': { type: 'string', default: process.env.LARMOR_CONTROL_GRACE_S },
      'dicom-port': { type: 'string', default: process.env.LARMOR_DICOM_PORT },
      'ae-title': { type: 'string', default: process.env.LARMOR_AE_TITLE ?? 'LARMOR' },
      // What observers see of the patient: none (identifiers removed, PS3.15 Annex E) or full.
      'observer-phi': { type: 'string', default: process.env.LARMOR_OBSERVER_PHI ?? 'none' },
      // The open exam's images kept for whoever joins or resumes; oldest series dropped first beyond it.
      'exam-images-mb': { type: 'string', default: process.env.LARMOR_EXAM_IMAGES_MB },
      // The site's audit record repository (IHE ATNA): RFC 5425 syslog over TLS.
      'audit-syslog': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG },
      'audit-syslog-ca': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_CA },
      'audit-syslog-cert': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_CERT },
      'audit-syslog-key': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_KEY },
      // More than this host's TCP send buffer and the repository's receive buffer (audit-shipper.ts `unreadBytesBound`).
      'audit-syslog-unread-mb': { type: 'string', default: process.env.LARMOR_AUDIT_SYSLOG_UNREAD_MB },
      // Hospital single sign-on (OpenID Connect): README "Hospital single sign-on".
      'oidc-config': { type: 'string', default: process.env.LARMOR_OIDC_CONFIG },
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
  if (dicomPort !== undefined && !(Number.isInteger(dicomPort) && dicomPort >= 0 && dicomPort <= 65535))
    return usageError(`--dicom-port ${values['dicom-port']} is not a port number`);
  // PS3.8 9.3.1.1: AE titles are 1-16 characters of the default repertoire, no backslash.
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(values['ae-title']) || values['ae-title'].trim() === '')
    return usageError('--ae-title must be 1-16 printable characters');
  const dicomHardening = dicomOptionsFromFlags(values);
  if (dicomHardening instanceof Error) return usageError(dicomHardening.message);
  const iceServers = parseIceServers(values['ice-servers']);
  if (iceServers instanceof Error) return usageError(iceServers.message);
  const operatorLoss = values['operator-loss'];
  if (operatorLoss !== 'finish' && operatorLoss !== 'pause' && operatorLoss !== 'stop')
    return usageError(`--operator-loss ${operatorLoss} must be finish, pause or stop`);
  const graceS = values['control-grace'] === undefined ? undefined : Number(values['control-grace']);
  if (graceS !== undefined && !(graceS >= 0 && graceS <= 3600)) return usageError(`--control-grace ${values['control-grace']} must be 0..3600 seconds`);
  const observerPhi = values['observer-phi'];
  const examImagesMb = values['exam-images-mb'] === undefined ? undefined : Number(values['exam-images-mb']);
  if (examImagesMb !== undefined && !(examImagesMb >= 1 && examImagesMb <= 65536))
    return usageError(`--exam-images-mb ${values['exam-images-mb']} must be 1..65536 MB`);
  if (observerPhi !== 'none' && observerPhi !== 'full') return usageError(`--observer-phi ${observerPhi} must be none or full`);
  if (values['audit-syslog'] !== undefined && !/^tls:\/\/.+:\d+\/?$/.test(values['audit-syslog']))
    return usageError(`--audit-syslog ${values['audit-syslog']} must be tls://HOST:PORT`);
  if (Boolean(values['audit-syslog-cert']) !== Boolean(values['audit-syslog-key'])) return usageError('--audit-syslog-cert and --audit-syslog-key go together');
  const unreadMb = values['audit-syslog-unread-mb'] === undefined ? undefined : Number(values['audit-syslog-unread-mb']);
  if (unreadMb !== undefined && !(Number.isInteger(unreadMb) && unreadMb >= 1 && unreadMb <= 4096))
    return usageError(`--audit-syslog-unread-mb ${values['audit-syslog-unread-mb']} must be a whole number of MiB, 1..4096`);
  if (unreadMb !== undefined && values['audit-syslog'] === undefined) return usageError('--audit-syslog-unread-mb goes with --audit-syslog');
  let sso: OidcConfig | undefined;
  try {
    sso = values['oidc-config'] ? loadOidcConfig(values['oidc-config']) : undefined;
  } catch (err) {
    return usageError(`${codeOf(err)}: ${(err as Error).message}`);
  }
  const onsiteFrom = splitList(values['onsite-from']);
  try {
    new OnsiteNetworks(onsiteFrom);
  } catch (err) {
    return usageError(`--onsite-from: ${(err as Error).message}`);
  }
  const totpRoles = splitList(values['totp-for']);
  if (totpRoles.some((r) => !Role.safeParse(r).success)) return usageError(`--totp-for ${values['totp-for']}: roles are operator, onsite, observer`);
  const sessionHours = values['session-hours'] === undefined ? undefined : Number(values['session-hours']);
  if (sessionHours !== undefined && !(sessionHours > 0 && sessionHours <= 24 * 7)) return usageError('--session-hours must be in (0, 168]');
  const idleMinutes = values['idle-minutes'] === undefined ? undefined : Number(values['idle-minutes']);
  if (idleMinutes !== undefined && !(idleMinutes > 0 && idleMinutes <= 24 * 60)) return usageError('--idle-minutes must be in (0, 1440]');
  let token: string | undefined;
  try {
    token = values['token-file'] ? readSiteToken(values['token-file']) : process.env.LARMOR_GATEWAY_TOKEN || undefined;
  } catch (err) {
    return usageError(`--token-file: ${(err as Error).message}`);
  }
  const dataFile = gatewayDataFile(values['data-dir']);
  let demo: DemoAccount[] = [];
  {
    const accounts = new AccountStore(dataFile);
    try {
      if (values['demo-accounts']) demo = await createDemoAccounts(accounts, demoPasswordsFromEnv());
      // With hospital sign-in configured, people can sign in without any local account.
      if (accounts.count() === 0 && !sso) {
        console.error(
          `larmor gateway: ${ErrorCode.NO_ACCOUNTS}: nobody could sign in, so the gateway does not start.\n` +
            `Add an account first, e.g.:\n  echo 'a long password' | npx larmor gateway users add jane.doe --roles operator --data-dir ${values['data-dir']}\n` +
            `  echo 'another password' | npx larmor gateway users add onsite.tech --roles onsite --level mrst --data-dir ${values['data-dir']}`,
        );
        return 1;
      }
    } finally {
      accounts.close();
    }
  }
  // Under `npm start` with several scanners the parent prints them, once for all its gateways.
  const demoToParent = process.env.LARMOR_DEMO_ACCOUNTS_TO_PARENT === '1' && Boolean(process.send);
  if (demo.length > 0 && !demoToParent) {
    console.log('Demo accounts created (passwords are shown this once; change them with `larmor gateway users set-password NAME`):');
    for (const a of demo) console.log(`  ${a.userId.padEnd(14)} ${a.roles.join(',').padEnd(18)} password: ${a.password}`);
  }
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({
      port,
      host: values.host,
      timeScale,
      dataFile,
      tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined,
      token,
      onsiteFrom,
      allowedOrigins: splitList(values['allow-origin']),
      totpRoles: totpRoles as Role[],
      sessionPolicy: {
        ...(sessionHours !== undefined ? { ttlS: sessionHours * 3600 } : {}),
        ...(idleMinutes !== undefined ? { idleS: idleMinutes * 60 } : {}),
      },
      site: values.site || values['field-strength'] ? simulatedSite(values.site, values['field-strength']) : undefined,
      policy: {
        ...(values.fallback ? { fallbackInstructions: values.fallback } : {}),
        ...(graceS !== undefined ? { controlGraceS: graceS } : {}),
        ...LOSS_WORDS[operatorLoss],
      },
      operatorLossAction: operatorLoss,
      iceServers,
      observerPhi,
      ...(examImagesMb !== undefined ? { examImagesMb } : {}),
      auditSyslog: values['audit-syslog']
        ? {
            url: values['audit-syslog'],
            ca: values['audit-syslog-ca'] ? readFileSync(values['audit-syslog-ca']) : undefined,
            cert: values['audit-syslog-cert'] ? readFileSync(values['audit-syslog-cert']) : undefined,
            key: values['audit-syslog-key'] ? readFileSync(values['audit-syslog-key']) : undefined,
            ...(unreadMb !== undefined ? { unreadBytesBound: unreadMb * 1024 * 1024 } : {}),
          }
        : undefined,
      dicom: dicomPort === undefined ? undefined : { port: dicomPort, host: values.host, aeTitle: values['ae-title'], ...dicomHardening },
      log: (line) => console.log(`[gateway] ${line}`),
      ...(sso
        ? {
            httpRoutes: gatewaySsoRoutes(
              sso,
              () => gateway,
              (line) => console.log(`[gateway] ${line}`),
            ),
          }
        : {}),
    });
  } catch (err) {
    const code = codeOf(err);
    console.error(`larmor gateway: ${code}: ${(err as Error).message}`);
    return 1;
  }
  if (gateway.imaging?.dicomPort != null) console.log(`DICOM receiver: ${values['ae-title']}@${values.host}:${gateway.imaging.dicomPort}`);
  // Started by the workstation (process.send), the options are its launcher's to give
  // (main/start/embedded-gateway.ts); a service started by hand is told which this machine wants
  // (base/node/gc-node-options.ts).
  const missingOptions = missingGcNodeOptions();
  if (!process.send && missingOptions.length > 0)
    console.log(
      `[gateway] on a machine of ${availableParallelism()} cores, start the gateway as \`node ${missingOptions.join(' ')} bin/larmor.js gateway ...\`: ` +
        `it uses less CPU and pauses less (README "Standalone gateway")`,
    );
  // Under `npm start` the parent prints it (from the ready message) next to the workstation's address.
  if (!process.send) console.log(`onsite console: ${gateway.onsiteUrl}`);
  process.send?.({
    type: 'gateway-ready',
    url: gateway.url,
    port: gateway.port,
    dicomPort: gateway.imaging?.dicomPort ?? null,
    onsiteUrl: gateway.onsiteUrl,
    demoUser: demo.find((a) => a.roles.includes('operator'))?.userId ?? null,
    ...(demoToParent ? { demoAccounts: demo } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
  });
  await gateway.close();
  return 0;
}

/** --site and --field-strength: the simulated scanner's site name and magnet. */
function simulatedSite(name: string | undefined, fieldStrength: string | undefined): { name: string; scanner: string; fieldStrengthT: number } {
  const tesla = fieldStrength !== undefined && Number(fieldStrength) > 0 && Number(fieldStrength) <= 11.7 ? Number(fieldStrength) : 1.5;
  return { name: name ?? 'Larmor demo site', scanner: 'Larmor MR simulator', fieldStrengthT: tesla };
}

/** LARMOR_DEMO_PASSWORDS (JSON, account name to password): `npm start` gives every gateway the same demo accounts. */
function demoPasswordsFromEnv(): Record<string, string> | undefined {
  const raw = process.env.LARMOR_DEMO_PASSWORDS;
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
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

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function usageError(message: string): number {
  console.error(`larmor gateway: ${message}\n${USAGE}`);
  return 2;
}
