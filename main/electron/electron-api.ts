/**
 * The slice of Electron's main-process API the shell uses. Written out here because the
 * electron package (and its types) cannot install where its binary cannot be downloaded;
 * names and signatures follow Electron's documentation.
 */
export interface WebFrameMain {
  url: string;
}
export interface IpcMainInvokeEvent {
  senderFrame: WebFrameMain | null;
  sender: WebContents;
}
export interface WebContents {
  id: number;
  mainFrame: WebFrameMain;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
}
export interface BrowserWindowOptions {
  width: number;
  height: number;
  backgroundColor: string;
  title: string;
  show?: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    webSecurity: true;
    allowRunningInsecureContent?: false;
    webviewTag?: false;
  };
}
export interface BrowserWindowInstance {
  webContents: WebContents;
  loadFile(file: string, options?: { search?: string }): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
}
export interface Session {
  setPermissionRequestHandler(handler: (webContents: WebContents, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string; mediaTypes?: string[] }) => void): void;
  setPermissionCheckHandler(handler: (webContents: WebContents | null, permission: string, requestingOrigin: string) => boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void): void;
  };
}
export interface ElectronMain {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): void;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): void;
    quit(): void;
    enableSandbox(): void;
  };
  BrowserWindow: new (options: BrowserWindowOptions) => BrowserWindowInstance;
  ipcMain: {
    handle(channel: string, handler: (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>): void;
  };
  session: { defaultSession: Session };
}
