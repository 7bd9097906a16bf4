import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, codeOf } from '../../protocol/index.js';
import { startBrowserShell } from '../browser-shell/browser-shell.js';
import { WorkstationCore } from '../core/workstation-core.js';
import { Desk } from '../desk/desk.js';
import { Journal, defaultJournalFile } from '../journal/journal.js';
import { createDecodePool } from '../images/decode-pool.js';
import { loadMachinePolicy } from '../policy/load-policy.js';
import { policyLinkTls } from '../policy/policy-enforcement.js';
import { startDemoScanners, takeScannerCount } from './demo-scanners.js';

const here = dirname(fileURLToPath(import.meta.url));
const distRoot = join(here, '..', '..');

/**
 * `npm start`: simulated scanners, each a gateway in its own child process (a real, separate
 * service, as at a site; two by default, `--scanners 1` for one), then the workstation: Electron
 * when its binary is installed, otherwise the browser shell on 127.0.0.1, with the scanners as
 * the desk's default site list (docs/architecture.md "The desk").
 */
export async function runStart(argv: string[]): Promise<number> {
  // A damaged machine policy stops the start (LARMOR_E_POLICY_INVALID), before anything runs.
  let policy: ReturnType<typeof loadMachinePolicy>;
  try {
    policy = loadMachinePolicy();
  } catch (err) {
    console.error(`larmor: ${codeOf(err, ErrorCode.POLICY_INVALID)}: ${(err as Error).message}`);
    return 2;
  }
  const count = takeScannerCount(argv);
  if ('error' in count) {
    console.error(`larmor start: ${count.error}`);
    return 2;
  }
  const { scanners, created } = await startDemoScanners(count.scanners, count.rest);
  const sites = scanners.map((s) => s.site);
  const first = scanners[0]!.gateway;
  if (created) {
    console.log(`Demo accounts created on ${created.on} (passwords are shown this once; change them with \`larmor gateway users set-password NAME\`):`);
    for (const a of created.accounts) console.log(`  ${a.userId.padEnd(14)} ${a.roles.join(',').padEnd(18)} password: ${a.password}`);
  }
  for (const { site, gateway } of scanners) {
    const which = scanners.length === 1 ? '' : ` (${site.name})`;
    console.log(`gateway: ${gateway.url}${which}`);
    if (gateway.onsiteUrl) console.log(`onsite console: ${gateway.onsiteUrl}${which}`);
  }
  const demoUser = scanners.map((s) => s.gateway.demoUser).find((u) => u !== null) ?? null;
  // A clean stop waits for every gateway to close its stores: a `larmor start` that has exited
  // leaves no gateway still writing to its data dir or holding its ports.
  const stopGateways = () => Promise.all(scanners.map((s) => s.gateway.stop()));

  const electronBinary = findElectron();
  if (electronBinary) {
    const child = spawn(electronBinary, [join(distRoot, 'main', 'electron', 'main.js')], {
      stdio: 'inherit',
      env: {
        ...process.env,
        LARMOR_GATEWAY_URL: first.url,
        ...(sites.length > 1 ? { LARMOR_DESK_SITES: JSON.stringify(sites) } : {}),
        ...(demoUser ? { LARMOR_DEFAULT_USER: demoUser } : {}),
      },
    });
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0)));
    await stopGateways();
    return code;
  }

  // One journal (records name their site) and one decode pool for every site's core.
  const journal = Journal.open(defaultJournalFile());
  const pool = createDecodePool(); // decoding off the event loop: heartbeats never wait for an image
  const desk = new Desk({
    makeCore: (siteId) => new WorkstationCore({ journal: journal.forSite(siteId), linkTls: policyLinkTls(policy) }), // command outbox + audit journal
    sharedDecoder: { decode: (frame) => pool.decode(frame), concurrency: pool.size },
    maxConcurrentAcquisitions: policy.policy.maxConcurrentAcquisitions,
  });
  const shell = await startBrowserShell({
    core: desk,
    rendererDir: join(distRoot, 'renderer'),
    port: Number(process.env.LARMOR_PORT ?? 0),
    defaultGatewayUrl: first.url,
    ...(sites.length > 1 ? { defaultSites: sites } : {}),
    ...(demoUser ? { defaultUser: demoUser } : {}),
    policy,
  });
  console.log('No Electron binary installed: serving the workstation in the browser shell.');
  console.log(`Larmor workstation: ${shell.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    for (const s of scanners) s.gateway.child.once('exit', () => resolve());
  });
  desk.disconnect();
  await shell.close();
  await pool.close();
  await stopGateways();
  return 0;
}

/** The electron package exports the path of its binary, when the binary was downloaded. */
function findElectron(): string | null {
  if (process.env.LARMOR_NO_ELECTRON === '1') return null;
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
