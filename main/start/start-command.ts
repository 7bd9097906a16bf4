import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, codeOf } from '../../protocol/index.js';
import { startBrowserShell } from '../browser-shell/browser-shell.js';
import { WorkstationCore } from '../core/workstation-core.js';
import { Journal, defaultJournalFile } from '../journal/journal.js';
import { attachImageIntake } from '../images/image-intake.js';
import { startEmbeddedGateway } from './embedded-gateway.js';
import { loadMachinePolicy } from '../policy/load-policy.js';
import { policyLinkTls } from '../policy/policy-enforcement.js';

const here = dirname(fileURLToPath(import.meta.url));
const distRoot = join(here, '..', '..');

/**
 * `npm start`: a gateway with the scanner simulator in a child process (a real, separate
 * service, as at a site), then the workstation: Electron when its binary is installed,
 * otherwise the browser shell on 127.0.0.1.
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
  const gateway = await startEmbeddedGateway(argv);
  const gatewayUrl = gateway.url;
  console.log(`gateway: ${gatewayUrl}`);
  if (gateway.onsiteUrl) console.log(`onsite console: ${gateway.onsiteUrl}`);

  const electronBinary = findElectron();
  if (electronBinary) {
    const child = spawn(electronBinary, [join(distRoot, 'main', 'electron', 'main.js')], {
      stdio: 'inherit',
      env: { ...process.env, LARMOR_GATEWAY_URL: gatewayUrl, ...(gateway.demoUser ? { LARMOR_DEFAULT_USER: gateway.demoUser } : {}) },
    });
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0)));
    gateway.stop();
    return code;
  }

  const core = new WorkstationCore({ journal: Journal.open(defaultJournalFile()), linkTls: policyLinkTls(policy) }); // command outbox + audit journal
  attachImageIntake(core, { workers: 1 }); // decoding off the event loop: heartbeats never wait for an image
  const shell = await startBrowserShell({
    core,
    rendererDir: join(distRoot, 'renderer'),
    port: Number(process.env.LARMOR_PORT ?? 0),
    defaultGatewayUrl: gatewayUrl,
    ...(gateway.demoUser ? { defaultUser: gateway.demoUser } : {}),
    policy,
  });
  console.log('No Electron binary installed: serving the workstation in the browser shell.');
  console.log(`Larmor workstation: ${shell.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    gateway.child.once('exit', () => resolve());
  });
  core.disconnect();
  await shell.close();
  gateway.stop();
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
