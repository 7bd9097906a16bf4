import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RENDERER_CSP } from '../../base/node/csp.js';
import { WorkstationCore } from '../core/workstation-core.js';
import { Journal, defaultJournalFile } from '../journal/journal.js';
import { attachImageIntake } from '../images/image-intake.js';
import { startEmbeddedGateway } from '../start/embedded-gateway.js';
import type { ElectronMain, WebContents } from './electron-api.js';
import { forwardPushes, registerIpcGate } from './ipc-gate.js';
import { allowNavigation, allowPermissionCheck, allowPermissionRequest } from './security-policy.js';

/**
 * Electron shell: a window around the workstation core. Everything with logic lives in the core;
 * this file only wires Electron's objects to it, with every security default on.
 */
const electron = createRequire(import.meta.url)('electron') as ElectronMain;
const { app, BrowserWindow, ipcMain, session } = electron;
const here = dirname(fileURLToPath(import.meta.url));
const rendererIndex = join(here, '..', '..', 'renderer', 'index.html');
const appPageUrl = pathToFileURL(rendererIndex).href;

app.enableSandbox();
app.on('web-contents-created', (_event, contents: WebContents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url, appPageUrl)) event.preventDefault();
  });
});

await app.whenReady();
const core = new WorkstationCore({ journal: Journal.open(defaultJournalFile()) }); // command outbox + audit journal
attachImageIntake(core, { workers: 1 }); // decoding off the event loop: heartbeats never wait for an image
const ses = session.defaultSession;
ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(allowPermissionRequest(permission, details, appPageUrl)));
ses.setPermissionCheckHandler((_wc, permission, origin) => allowPermissionCheck(permission, origin, appPageUrl));
ses.webRequest.onHeadersReceived((details, callback) => {
  callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
});
registerIpcGate(ipcMain, core, appPageUrl);

const win = new BrowserWindow({
  width: 1600,
  height: 1000,
  backgroundColor: '#0b0f14',
  title: 'Larmor',
  show: false,
  webPreferences: {
    preload: join(here, '..', '..', 'preload', 'preload.cjs'), // bundled by preload/vite.config.ts
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
  },
});
forwardPushes(core, win.webContents);
win.once('ready-to-show', () => win.show());
// `npm start` passes the gateway it started; a packaged app starts its own embedded one.
const embedded = process.env.LARMOR_GATEWAY_URL ? null : await startEmbeddedGateway([]);
const gateway = process.env.LARMOR_GATEWAY_URL ?? embedded?.url;
const defaultUser = process.env.LARMOR_DEFAULT_USER ?? embedded?.demoUser ?? null;
const search = [gateway ? `gateway=${encodeURIComponent(gateway)}` : '', defaultUser ? `user=${encodeURIComponent(defaultUser)}` : ''].filter(Boolean).join('&');
await win.loadFile(rendererIndex, search ? { search } : undefined);
app.on('window-all-closed', () => {
  core.disconnect();
  embedded?.stop();
  app.quit();
});
