/**
 * The parts of Electron's main-process API the shell uses, as types taken from Electron's own
 * electron.d.ts (`import type`: nothing of Electron loads at test time). The shell receives
 * these objects instead of requiring 'electron' itself, so tests run it against a recording
 * stand-in and production passes the real module (main.ts).
 */
import type {
  App,
  BrowserWindow,
  BrowserWindowConstructorOptions,
  ForkOptions,
  IpcMain,
  IpcMainInvokeEvent,
  MessageChannelMain,
  Protocol,
  Session,
  UtilityProcess,
  WebContents,
  WebFrameMain,
} from 'electron';

export type { IpcMainInvokeEvent, WebContents, WebFrameMain };

type ShellApp = Pick<App, 'whenReady' | 'on' | 'quit' | 'enableSandbox' | 'getVersion' | 'isPackaged'>;
export type ShellWindow = Pick<BrowserWindow, 'webContents' | 'loadURL' | 'once' | 'show'>;
export type ShellSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler' | 'on'
>;
export type ShellUtilityProcess = Pick<UtilityProcess, 'on' | 'once' | 'kill' | 'pid'>;

export interface ShellElectron {
  app: ShellApp;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => ShellWindow;
  ipcMain: Pick<IpcMain, 'handle'>;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  session: { defaultSession: ShellSession };
  utilityProcess: { fork(modulePath: string, args?: string[], options?: ForkOptions): ShellUtilityProcess };
  MessageChannelMain: new () => Pick<MessageChannelMain, 'port1' | 'port2'>;
}
