import type { SiteEntry } from '../../protocol/index.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import { Desk, type DeskOptions } from '../desk/desk.js';
import { siteListQuery } from '../desk/site-list-query.js';
import type { LoadedPolicy } from '../policy/machine-policy.js';
import type { UtilityGateway } from '../start/utility-gateway.js';
import { APP_PAGE_URL, handleAppScheme, registerAppScheme } from './app-protocol.js';
import type { ShellElectron, ShellWindow } from './electron-api.js';
import { openImagePort, type ImagePort } from './image-port.js';
import { forwardPushes, registerIpcGate } from './ipc-gate.js';
import { updateFeedFromPolicy } from './update-decision.js';
import { wireUpdater, type ShellUpdater } from './updater-wiring.js';
import { guardSession, guardWebContents } from './web-contents-guards.js';

export interface ShellOptions {
  rendererDir: string;
  preloadFile: string;
  /** Throws LARMOR_E_POLICY_INVALID on a damaged policy (policy/load-policy.ts). */
  loadPolicy(): LoadedPolicy;
  /**
   * One workstation core, made once the machine policy is known (its CA bundle and pins apply to
   * every link); the desk asks for one per site, naming it (docs/architecture.md "The desk").
   */
  createCore(policy: LoadedPolicy, siteId?: string): WorkstationCore;
  /** One decode pool for every site's core, the focused scanner's frames first (main/desk/focused-first-decoder.ts). */
  sharedDecoder?: DeskOptions['sharedDecoder'];
  /** The desk's site list `npm start` passed (LARMOR_DESK_SITES): offered to the page as ?sites=. */
  sites?: SiteEntry[] | undefined;
  /** A gateway given by `npm start`; otherwise the shell starts its own embedded one. */
  gatewayUrl?: string | undefined;
  /** Account name the connect screen offers (?user=); else the embedded gateway's demo account. */
  defaultUser?: string | undefined;
  startGateway(utilityProcess: ShellElectron['utilityProcess']): Promise<UtilityGateway>;
  /** electron-updater's autoUpdater, asked for only when the policy turns updates on. */
  updater(): ShellUpdater;
  /** Stop the app with a message to the user (a dialog in main.ts). */
  fatal(message: string): void;
  log(line: string): void;
}

export interface RunningShell {
  window: ShellWindow;
  /** The desk's first core (the console's until another site is focused). */
  core: WorkstationCore;
  desk: Desk;
  policy: LoadedPolicy;
  gateway: UtilityGateway | null;
}

/**
 * The Electron shell: a window around the workstation core, with every item of Electron's
 * security checklist that applies to a main process set here (the fuses are set at packaging,
 * electron-builder.yml). It gets Electron's objects passed in, so tests run it against a
 * recording stand-in (tests/main/electron/shell.test.ts).
 */
export async function startElectronShell(electron: ShellElectron, options: ShellOptions): Promise<RunningShell | null> {
  const { app } = electron;
  let policy: LoadedPolicy;
  try {
    policy = options.loadPolicy();
  } catch (err) {
    options.fatal((err as Error).message);
    return null;
  }
  app.enableSandbox();
  registerAppScheme(electron.protocol);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, APP_PAGE_URL));

  await app.whenReady();
  handleAppScheme(electron.protocol, options.rendererDir);
  guardSession(electron.session.defaultSession, APP_PAGE_URL);
  const desk = new Desk({
    makeCore: (siteId) => options.createCore(policy, siteId),
    sharedDecoder: options.sharedDecoder,
    maxConcurrentAcquisitions: policy.policy.maxConcurrentAcquisitions,
  });
  const core = desk.focusedCore;
  registerIpcGate(electron.ipcMain, desk, APP_PAGE_URL, policy);

  // Called by its own name so static checks (electronegativity) can read these options.
  const { BrowserWindow } = electron;
  const window = new BrowserWindow({
    width: 1600,
    height: 1000,
    backgroundColor: '#0b0f14',
    title: 'Larmor',
    show: false,
    webPreferences: {
      preload: options.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // No auxclick event: a middle click cannot open links (the viewer pans with middle-button
      // drags, which use pointer events, not auxclick).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = window.webContents;
  // State, health, log, media and the desk over IPC pushes, paced (main/page-pushes.ts); images over their own port (image-port.ts).
  forwardPushes(desk, contents, ['state', 'health', 'log', 'media', 'desk']);
  let imagePort: ImagePort | null = null;
  contents.on('did-finish-load', () => {
    imagePort?.close();
    imagePort = openImagePort(contents, electron.MessageChannelMain);
  });
  desk.on('image', (image) => imagePort?.post(image));
  window.once('ready-to-show', () => window.show());

  // A machine whose policy lists its gateways never starts the demo gateway: it could not be used.
  let gateway: UtilityGateway | null = null;
  if (!options.gatewayUrl && !policy.policy.allowedGatewayUrls) gateway = await options.startGateway(electron.utilityProcess);
  const gatewayUrl = options.gatewayUrl ?? gateway?.url;
  const defaultUser = options.defaultUser ?? gateway?.demoUser ?? null;
  const search = [
    gatewayUrl ? `gateway=${encodeURIComponent(gatewayUrl)}` : '',
    defaultUser ? `user=${encodeURIComponent(defaultUser)}` : '',
    siteListQuery(options.sites),
  ]
    .filter(Boolean)
    .join('&');
  await window.loadURL(search ? `${APP_PAGE_URL}?${search}` : APP_PAGE_URL);

  const feed = updateFeedFromPolicy(policy.policy);
  if (feed && app.isPackaged) wireUpdater(options.updater(), feed, app.getVersion(), options.log);
  else options.log(feed ? 'updates: not checked in a development run' : 'updates: off (no update server in the machine policy)');

  // The app quits once the embedded gateway has closed its stores: quitting first would end its
  // utility process with the app, part way through.
  app.on('window-all-closed', () => {
    desk.disconnect();
    void (gateway?.stop() ?? Promise.resolve()).then(() => app.quit());
  });
  return { window, core, desk, policy, gateway };
}
