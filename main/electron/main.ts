import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';
import type { AppUpdater } from 'electron-updater';
import { WorkstationCore } from '../core/workstation-core.js';
import { createDecodePool, decodeWorkers, type DecodePool } from '../images/decode-pool.js';
import { siteListFromEnv } from '../desk/site-list-query.js';
import { Journal, defaultJournalFile } from '../journal/journal.js';
import { loadMachinePolicy } from '../policy/load-policy.js';
import { startGatewayInUtilityProcess } from '../start/utility-gateway.js';
import { startElectronShell } from './shell.js';
import { policyLinkTls } from '../policy/policy-enforcement.js';

/**
 * Process entry of the packaged app: the real Electron module handed to the shell
 * (shell.ts holds all the wiring, tested against a stand-in).
 */
const require = createRequire(import.meta.url);
const electron = require('electron') as typeof Electron;
const here = dirname(fileURLToPath(import.meta.url));
// One journal and one decode pool for every site's core (docs/architecture.md "The desk").
let journal: Journal | null = null;
let decodePool: DecodePool | null = null;

await startElectronShell(electron, {
  rendererDir: join(here, '..', '..', 'renderer'),
  preloadFile: join(here, '..', '..', 'preload', 'preload.cjs'),
  loadPolicy: () => loadMachinePolicy(),
  createCore: (policy, siteId) => {
    journal ??= Journal.open(defaultJournalFile());
    return new WorkstationCore({ journal: siteId ? journal.forSite(siteId) : journal, linkTls: policyLinkTls(policy) });
  },
  // Decoding off the event loop (heartbeats never wait for an image), the focused scanner's first.
  sharedDecoder: { decode: (frame) => (decodePool ??= createDecodePool()).decode(frame), concurrency: decodeWorkers() },
  sites: siteListFromEnv(process.env.LARMOR_DESK_SITES),
  gatewayUrl: process.env.LARMOR_GATEWAY_URL,
  defaultUser: process.env.LARMOR_DEFAULT_USER,
  startGateway: (utilityProcess) => startGatewayInUtilityProcess(utilityProcess, []),
  updater: () => (require('electron-updater') as { autoUpdater: AppUpdater }).autoUpdater,
  fatal: (message) => {
    electron.dialog.showErrorBox('Larmor cannot start', message);
    electron.app.exit(1);
  },
  log: (line) => console.log(`larmor: ${line}`),
});
