import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ShellElectron, ShellUtilityProcess } from '../../../main/electron/electron-api.js';
import type { ShellUpdater } from '../../../main/electron/updater-wiring.js';

/**
 * A recording stand-in for the parts of Electron's main-process API the shell uses (no
 * Electron binary can exist on these machines). Each object does what Electron documents for
 * the calls the shell makes, records them in order, and lets a test fire the events Electron
 * would fire (navigation, permission requests, page loads). Its ports are real Node
 * MessagePorts, so what crosses them is really structured-cloned.
 */
type Call = [string, ...unknown[]];

/** An Electron-style event: preventDefault() is recorded, as Electron honours it. */
export function electronEvent<T extends object>(fields: T): T & { preventDefault(): void; defaultPrevented: boolean } {
  const event = { ...fields, defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) };
  return event;
}

class StandInWebContents extends EventEmitter {
  readonly id = 1;
  readonly sent: [string, unknown][] = [];
  /** webContents.ipc: messages the page sends with ipcRenderer.send, emitted by a test as (event, ...args). */
  readonly ipc = new EventEmitter();
  readonly mainFrame = { url: 'app://larmor/index.html' };
  readonly posted: { channel: string; message: unknown; ports: MessagePort[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  constructor(private readonly record: (call: Call) => void) {
    super();
  }
  send(channel: string, value: unknown): void {
    this.sent.push([channel, value]);
  }
  postMessage(channel: string, message: unknown, ports: MessagePort[] = []): void {
    this.record(['webContents.postMessage', channel]);
    this.posted.push({ channel, message, ports });
  }
  isDestroyed(): boolean {
    return false;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

class StandInWindow extends EventEmitter {
  readonly webContents: StandInWebContents;
  loadedUrl: string | null = null;
  shown = false;
  constructor(
    readonly options: unknown,
    record: (call: Call) => void,
  ) {
    super();
    this.webContents = new StandInWebContents(record);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.emit('ready-to-show');
    this.webContents.emit('did-finish-load');
  }
  show(): void {
    this.shown = true;
  }
}

export class StandInUtilityProcess extends EventEmitter {
  pid = 4242;
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: unknown,
  ) {
    super();
  }
  /** Like Electron's, kill() only asks: the test says when the process has exited (emit 'exit'). */
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

export interface StandIn {
  electron: ShellElectron;
  calls: Call[];
  windows: StandInWindow[];
  children: StandInUtilityProcess[];
  appListeners: Map<string, ((...args: unknown[]) => void)[]>;
  protocolHandlers: Map<string, (request: Request) => Promise<Response> | Response>;
  ipcHandlers: Map<string, (event: unknown, payload: unknown) => Promise<unknown>>;
  session: Record<string, ((...args: never[]) => unknown) | null> & { listeners: Map<string, (...args: unknown[]) => void> };
  quitCalls: number;
  /** Fire an app event as Electron would. */
  emitApp(event: string, ...args: unknown[]): void;
  /** A new web contents as Electron creates one (fires web-contents-created). */
  createWebContents(): StandInWebContents;
}

export function electronStandIn(options: { packaged?: boolean; version?: string; onFork?: (child: StandInUtilityProcess) => void } = {}): StandIn {
  const calls: Call[] = [];
  const record = (call: Call) => void calls.push(call);
  const appListeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const windows: StandInWindow[] = [];
  const children: StandInUtilityProcess[] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  const ipcHandlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
  const sessionListeners = new Map<string, (...args: unknown[]) => void>();
  const session: StandIn['session'] = { listeners: sessionListeners } as StandIn['session'];
  let ready = false;
  const standIn: StandIn = {
    calls,
    windows,
    children,
    appListeners,
    protocolHandlers,
    ipcHandlers,
    session,
    quitCalls: 0,
    emitApp: (event, ...args) => appListeners.get(event)?.forEach((l) => l(...args)),
    createWebContents() {
      const contents = new StandInWebContents(record);
      standIn.emitApp('web-contents-created', {}, contents);
      return contents;
    },
    electron: undefined as unknown as ShellElectron,
  };
  const sessionSetter = (name: string) => (handler: (...args: never[]) => unknown) => {
    record([`session.${name}`]);
    session[name] = handler;
  };
  const electron = {
    app: {
      whenReady: async () => {
        record(['app.whenReady']);
        ready = true;
      },
      on: (event: string, listener: (...args: unknown[]) => void) => {
        record(['app.on', event]);
        appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      },
      quit: () => void standIn.quitCalls++,
      enableSandbox: () => record(['app.enableSandbox', { ready }]),
      getVersion: () => options.version ?? '0.1.0',
      isPackaged: options.packaged ?? false,
    },
    BrowserWindow: class extends StandInWindow {
      constructor(windowOptions: unknown) {
        super(windowOptions, record);
        record(['new BrowserWindow']);
        windows.push(this);
        standIn.emitApp('web-contents-created', {}, this.webContents);
      }
    },
    ipcMain: { handle: (channel: string, handler: (event: unknown, payload: unknown) => Promise<unknown>) => void ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => record(['protocol.registerSchemesAsPrivileged', schemes, { ready }]),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        record(['protocol.handle', scheme, { ready }]);
        protocolHandlers.set(scheme, handler);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: sessionSetter('setPermissionRequestHandler'),
        setPermissionCheckHandler: sessionSetter('setPermissionCheckHandler'),
        setDevicePermissionHandler: sessionSetter('setDevicePermissionHandler'),
        setDisplayMediaRequestHandler: sessionSetter('setDisplayMediaRequestHandler'),
        on: (event: string, listener: (...args: unknown[]) => void) => void sessionListeners.set(event, listener),
      },
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[] = [], forkOptions: unknown = {}): ShellUtilityProcess => {
        record(['utilityProcess.fork', modulePath, args, forkOptions]);
        const child = new StandInUtilityProcess(modulePath, args, forkOptions);
        children.push(child);
        queueMicrotask(() => options.onFork?.(child));
        return child as unknown as ShellUtilityProcess;
      },
    },
    MessageChannelMain: class {
      readonly port1: MessagePort;
      readonly port2: MessagePort;
      constructor() {
        const channel = new MessageChannel();
        this.port1 = channel.port1;
        this.port2 = channel.port2;
      }
    },
  };
  standIn.electron = electron as unknown as ShellElectron;
  return standIn;
}

/** electron-updater's autoUpdater, recording; `channel` has its documented side effect on allowDowngrade. */
export class StandInUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = false;
  allowPrerelease = false;
  disableWebInstaller = false;
  feed: unknown = null;
  checks = 0;
  downloads = 0;
  private _channel: string | null = null;
  get channel(): string | null {
    return this._channel;
  }
  set channel(value: string | null) {
    this._channel = value;
    this.allowDowngrade = true;
  }
  setFeedURL(feed: unknown): void {
    this.feed = feed;
  }
  async checkForUpdates(): Promise<null> {
    this.checks++;
    return null;
  }
  async downloadUpdate(): Promise<string[]> {
    this.downloads++;
    return [];
  }
  asShellUpdater(): ShellUpdater {
    return this as unknown as ShellUpdater;
  }
}
