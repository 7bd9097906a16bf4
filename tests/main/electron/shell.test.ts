import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, type DeskView, type PreviewImage, type SiteEntry } from '../../../protocol/index.js';
import { RENDERER_CSP } from '../../../base/node/csp.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { APP_PAGE_URL } from '../../../main/electron/app-protocol.js';
import { startElectronShell, type ShellOptions } from '../../../main/electron/shell.js';
import { loadMachinePolicy } from '../../../main/policy/load-policy.js';
import { NO_POLICY, type LoadedPolicy } from '../../../main/policy/machine-policy.js';
import { GATEWAY_UTILITY_ENTRY } from '../../../main/start/utility-gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { electronEvent, electronStandIn, StandInUpdater, type StandIn } from './electron-stand-in.js';

function rendererBuild(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Larmor</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(dir, '..', 'secret.txt'), 'not for the page');
  return dir;
}

interface Run {
  standIn: StandIn;
  shell: Awaited<ReturnType<typeof startElectronShell>>;
  fatal: string[];
  logs: string[];
  updater: StandInUpdater;
  updaterAsked: number;
}

async function run(
  options: {
    policy?: LoadedPolicy | (() => LoadedPolicy);
    gatewayUrl?: string;
    defaultUser?: string;
    packaged?: boolean;
    version?: string;
    sites?: SiteEntry[];
  } = {},
): Promise<Run> {
  const standIn = electronStandIn({
    packaged: options.packaged,
    version: options.version,
    // The gateway in its utility process reports its address, as gateway/cli.ts does.
    onFork: (child) => child.emit('message', { type: 'gateway-ready', url: 'ws://127.0.0.1:5111/larmor', onsiteUrl: null, demoUser: 'demo.operator' }),
  });
  const fatal: string[] = [];
  const logs: string[] = [];
  const updater = new StandInUpdater();
  let updaterAsked = 0;
  const policy = options.policy ?? NO_POLICY;
  const shellOptions: ShellOptions = {
    rendererDir: rendererBuild(),
    preloadFile: '/opt/Larmor/resources/app.asar/dist/preload/preload.cjs',
    loadPolicy: typeof policy === 'function' ? policy : () => policy,
    createCore: (_policy, siteId) => {
      coresMade.push(siteId ?? null);
      return new WorkstationCore();
    },
    sites: options.sites,
    gatewayUrl: options.gatewayUrl,
    defaultUser: options.defaultUser,
    startGateway: async (utilityProcess) => (await import('../../../main/start/utility-gateway.js')).startGatewayInUtilityProcess(utilityProcess, []),
    updater: () => {
      updaterAsked++;
      return updater.asShellUpdater();
    },
    fatal: (message) => void fatal.push(message),
    log: (line) => void logs.push(line),
  };
  const shell = await startElectronShell(standIn.electron, shellOptions);
  return {
    standIn,
    shell,
    fatal,
    logs,
    updater,
    get updaterAsked() {
      return updaterAsked;
    },
  };
}

/** Site ids the shell asked createCore for, in order (null: without one). */
const coresMade: (string | null)[] = [];

const trusted = (url = APP_PAGE_URL) => {
  const mainFrame = { url };
  return { sender: { mainFrame }, senderFrame: mainFrame };
};

describe('Electron shell: the app:// scheme', () => {
  it('registers app:// as standard and secure before the app is ready, and serves it only after', async () => {
    const { standIn } = await run();
    const register = standIn.calls.find((c) => c[0] === 'protocol.registerSchemesAsPrivileged')!;
    expect(register[1]).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(register[2]).toEqual({ ready: false });
    expect(standIn.calls.find((c) => c[0] === 'protocol.handle')).toEqual(['protocol.handle', 'app', { ready: true }]);
    expect(standIn.calls.findIndex((c) => c[0] === 'app.enableSandbox')).toBeLessThan(standIn.calls.findIndex((c) => c[0] === 'app.whenReady'));
  });

  it('serves the renderer build with the CSP on every response', async () => {
    const { standIn } = await run();
    const handler = standIn.protocolHandlers.get('app')!;
    const page = await handler(new Request('app://larmor/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Larmor</title>');
    const script = await handler(new Request('app://larmor/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });

  it.each([
    ['a file outside the renderer build', new Request('app://larmor/%2e%2e/secret.txt'), 404],
    ['a file that does not exist', new Request('app://larmor/nothing.js'), 404],
    ['another host of the scheme', new Request('app://other/index.html'), 404],
    ['a POST', new Request('app://larmor/index.html', { method: 'POST', body: 'x' }), 405],
  ])('refuses %s, still with the CSP', async (_name, request, status) => {
    const { standIn } = await run();
    const response = await standIn.protocolHandlers.get('app')!(request);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });
});

describe('Electron shell: the window', () => {
  it('opens our page from app:// with every isolation setting on and the gateway in the query', async () => {
    const { standIn } = await run({ gatewayUrl: 'wss://mr1.example/larmor' });
    const [window] = standIn.windows;
    expect(window!.options).toMatchObject({
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        disableBlinkFeatures: 'Auxclick',
        preload: '/opt/Larmor/resources/app.asar/dist/preload/preload.cjs',
      },
    });
    expect(window!.loadedUrl).toBe(`${APP_PAGE_URL}?gateway=${encodeURIComponent('wss://mr1.example/larmor')}`);
    expect(window!.shown).toBe(true);
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('cancels %s to another page and lets our own page through', async (eventName) => {
    const { standIn } = await run();
    const contents = standIn.createWebContents();
    const away = electronEvent({ url: 'https://evil.example/' });
    contents.emit(eventName, away);
    expect(away.defaultPrevented).toBe(true);
    const file = electronEvent({ url: 'file:///etc/passwd' });
    contents.emit(eventName, file);
    expect(file.defaultPrevented).toBe(true);
    const home = electronEvent({ url: `${APP_PAGE_URL}?gateway=x` });
    contents.emit(eventName, home);
    expect(home.defaultPrevented).toBe(false);
  });

  it('denies every new window and every <webview>', async () => {
    const { standIn } = await run();
    const contents = standIn.createWebContents();
    expect(contents.windowOpenHandler!({ url: APP_PAGE_URL })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const attach = electronEvent({});
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.defaultPrevented).toBe(true);
    // The window the shell made itself got the same guards.
    expect(standIn.windows[0]!.webContents.windowOpenHandler).not.toBeNull();
  });
});

describe('Electron shell: permissions', () => {
  function request(standIn: StandIn, permission: string, details: object): boolean {
    let granted: boolean | null = null;
    (standIn.session.setPermissionRequestHandler as unknown as (...a: unknown[]) => void)({}, permission, (g: boolean) => (granted = g), details);
    if (granted === null) throw new Error('the handler did not answer');
    return granted;
  }

  it('grants camera and microphone to our page only, and nothing else', async () => {
    const { standIn } = await run();
    expect(request(standIn, 'media', { requestingUrl: APP_PAGE_URL, mediaTypes: ['video', 'audio'] })).toBe(true);
    expect(request(standIn, 'media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    expect(request(standIn, 'notifications', { requestingUrl: APP_PAGE_URL })).toBe(false);
    expect(request(standIn, 'display-capture', { requestingUrl: APP_PAGE_URL })).toBe(false);
    const check = standIn.session.setPermissionCheckHandler as unknown as (...a: unknown[]) => boolean;
    expect(check(null, 'media', 'app://larmor')).toBe(true);
    expect(check(null, 'media', 'https://evil.example')).toBe(false);
  });

  it('refuses devices, screen capture and downloads', async () => {
    const { standIn } = await run();
    expect((standIn.session.setDevicePermissionHandler as unknown as (d: object) => boolean)({ deviceType: 'hid', origin: 'app://larmor' })).toBe(false);
    let streams: unknown = 'unanswered';
    (standIn.session.setDisplayMediaRequestHandler as unknown as (r: object, cb: (s: unknown) => void) => void)({}, (s) => (streams = s));
    expect(streams).toEqual({});
    const download = electronEvent({});
    standIn.session.listeners.get('will-download')!(download, {}, {});
    expect(download.defaultPrevented).toBe(true);
  });
});

describe('Electron shell: machine policy', () => {
  it('stops before anything starts when the policy is damaged, naming the field', async () => {
    const file = join(tempDir(), 'policy.json');
    writeFileSync(file, JSON.stringify({ allowedRoles: ['administrator'] }));
    chmodSync(file, 0o644);
    const { standIn, shell, fatal } = await run({ policy: () => loadMachinePolicy(file) });
    expect(shell).toBeNull();
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('allowedRoles.0');
    expect(standIn.windows).toHaveLength(0);
    expect(standIn.children).toHaveLength(0);
  });

  it('gives the page the policy and refuses a gateway it does not list', async () => {
    const policy: LoadedPolicy = {
      policy: { allowedGatewayUrls: ['wss://mr1.hospital.example/larmor'], allowedRoles: ['observer'] },
      source: '/etc/larmor/policy.json',
      trustedCaPem: null,
    };
    const { standIn } = await run({ policy });
    expect(await standIn.ipcHandlers.get('larmor:policy.current')!(trusted(), undefined)).toEqual({
      ok: true,
      value: {
        allowedGatewayUrls: ['wss://mr1.hospital.example/larmor'],
        allowedRoles: ['observer'],
        idleSignOutMinutes: null,
        maxConcurrentAcquisitions: 1,
        sites: null,
        source: '/etc/larmor/policy.json',
      },
    });
    const refused = await standIn.ipcHandlers.get('larmor:link.connect')!(trusted(), { url: 'wss://elsewhere.example/', role: 'observer', name: 'A' });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.POLICY_REFUSED } });
  });

  it('does not start the demo gateway on a machine whose policy lists its gateways', async () => {
    const { standIn } = await run({
      policy: { policy: { allowedGatewayUrls: ['wss://mr1.hospital.example/larmor'] }, source: '/etc/larmor/policy.json', trustedCaPem: null },
    });
    expect(standIn.children).toHaveLength(0);
    expect(standIn.windows[0]!.loadedUrl).toBe(APP_PAGE_URL);
  });
});

describe('Electron shell: the embedded gateway', () => {
  it('runs in a utilityProcess with its demo accounts, is offered to the page with its demo operator, and stops with the window', async () => {
    const { standIn } = await run();
    const fork = standIn.calls.find((c) => c[0] === 'utilityProcess.fork')!;
    expect(fork[1]).toBe(GATEWAY_UTILITY_ENTRY);
    expect(fork[2]).toEqual(['--larmor-gateway-args', '--port', process.env.LARMOR_GATEWAY_PORT ?? '0', '--demo-accounts']);
    // glibc malloc held to two arenas (main/start/gateway-process-env.ts), unless set already.
    expect((fork[3] as { env: Record<string, string> }).env.MALLOC_ARENA_MAX).toBe(process.env.MALLOC_ARENA_MAX ?? '2');
    expect(standIn.windows[0]!.loadedUrl).toBe(`${APP_PAGE_URL}?gateway=${encodeURIComponent('ws://127.0.0.1:5111/larmor')}&user=demo.operator`);
    standIn.emitApp('window-all-closed');
    expect(standIn.children[0]!.killed).toBe(true);
    // The app waits for the gateway to close its stores before it quits.
    await new Promise((resolve) => setImmediate(resolve));
    expect(standIn.quitCalls).toBe(0);
    standIn.children[0]!.emit('exit', 0);
    await expect.poll(() => standIn.quitCalls).toBe(1);
  });

  it('does not start one when npm start passed its own, and offers the account npm start named', async () => {
    const { standIn } = await run({ gatewayUrl: 'ws://127.0.0.1:9/larmor', defaultUser: 'jane.doe' });
    expect(standIn.children).toHaveLength(0);
    expect(standIn.windows[0]!.loadedUrl).toBe(`${APP_PAGE_URL}?gateway=${encodeURIComponent('ws://127.0.0.1:9/larmor')}&user=jane.doe`);
  });
});

describe('Electron shell: updates', () => {
  const updatesOn: LoadedPolicy = {
    policy: { updates: { enabled: true, url: 'https://updates.hospital.example/larmor/', channel: 'stable' } },
    source: '/etc/larmor/policy.json',
    trustedCaPem: null,
  };

  function release(version: string): { file: string; info: object } {
    const file = join(tempDir(), `Larmor-${version}.AppImage`);
    writeFileSync(file, randomBytes(256 * 1024));
    const sha512 = execFileSync('sh', ['-c', `openssl dgst -sha512 -binary '${file}' | base64 -w0`])
      .toString()
      .trim();
    return {
      file,
      info: {
        version,
        files: [{ url: `Larmor-${version}.AppImage`, sha512, size: 262144 }],
        path: `Larmor-${version}.AppImage`,
        sha512,
        releaseDate: '2026-11-30T10:00:00.000Z',
      },
    };
  }

  it('follows the policy: generic provider, pinned channel, no downgrade, nothing downloaded unasked', async () => {
    const { updater } = await run({ policy: updatesOn, packaged: true });
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.hospital.example/larmor/', channel: 'stable' });
    expect(updater.channel).toBe('stable');
    expect(updater.allowDowngrade).toBe(false);
    expect(updater.autoDownload).toBe(false);
    expect(updater.disableWebInstaller).toBe(true);
    expect(updater.checks).toBe(1);
  });

  it('is never started when the policy turns updates off, or in a development run', async () => {
    const off = await run({ policy: { ...updatesOn, policy: { updates: { enabled: false, channel: 'latest' } } }, packaged: true });
    expect(off.updaterAsked).toBe(0);
    const none = await run({ packaged: true });
    expect(none.updaterAsked).toBe(0);
    const dev = await run({ policy: updatesOn, packaged: false });
    expect(dev.updaterAsked).toBe(0);
  });

  it('downloads an accepted release and keeps it for install at quit when its sha512 checks out', async () => {
    const { updater, logs } = await run({ policy: updatesOn, packaged: true, version: '0.1.0' });
    const { file, info } = release('0.2.0');
    updater.emit('update-available', info);
    expect(updater.downloads).toBe(1);
    updater.emit('update-downloaded', { ...info, downloadedFile: file });
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(logs.at(-1)).toContain('verified');
  });

  it('refuses a downgrade offered by the server without downloading it', async () => {
    const { updater, logs } = await run({ policy: updatesOn, packaged: true, version: '0.3.0' });
    updater.emit('update-available', release('0.2.0').info);
    expect(updater.downloads).toBe(0);
    expect(logs.at(-1)).toContain('no downgrades');
  });

  it('does not install a download whose file is not the published one', async () => {
    const { updater, logs } = await run({ policy: updatesOn, packaged: true, version: '0.1.0' });
    const { info } = release('0.2.0');
    const swapped = join(tempDir(), 'Larmor-0.2.0.AppImage');
    writeFileSync(swapped, randomBytes(1024));
    updater.emit('update-available', info);
    updater.emit('update-downloaded', { ...info, downloadedFile: swapped });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(logs.at(-1)).toContain('refused');
  });
});

describe('Electron shell: preview images', () => {
  it('sends the page a port on each load and posts images through it, not through IPC', async () => {
    const { standIn, shell } = await run({ gatewayUrl: 'ws://127.0.0.1:9/larmor' });
    const contents = standIn.windows[0]!.webContents;
    const first = contents.posted.at(-1)!;
    expect(first.channel).toBe('larmor:image-port');
    const port = first.ports[0] as MessagePort;
    const received = new Promise<PreviewImage>((resolve) => port.once('message', resolve));
    const pixels = new Uint16Array([1, 2, 3, 4]).buffer;
    shell!.core.emit('image', { sopInstanceUid: '1.2.3', rows: 2, columns: 2, pixels } as PreviewImage);
    const image = await received;
    expect(image.sopInstanceUid).toBe('1.2.3');
    expect([...new Uint16Array(image.pixels)]).toEqual([1, 2, 3, 4]);
    expect(contents.sent.filter(([channel]) => channel.includes('image'))).toEqual([]);
    port.close();
    // A reload gets a new port.
    contents.emit('did-finish-load');
    expect(contents.posted.filter((p) => p.channel === 'larmor:image-port')).toHaveLength(2);
    (contents.posted.at(-1)!.ports[0] as MessagePort).close();
  });
});

describe('Electron shell: the desk', () => {
  it('gates the desk requests like every other, answers desk.current, and refuses a focus on a site it does not have', async () => {
    const { standIn } = await run({ gatewayUrl: 'ws://127.0.0.1:9/larmor' });
    for (const channel of ['desk.connect', 'desk.focus', 'desk.acknowledge', 'desk.current']) expect(standIn.ipcHandlers.has(`larmor:${channel}`)).toBe(true);
    expect(await standIn.ipcHandlers.get('larmor:desk.current')!(trusted(), undefined)).toEqual({
      ok: true,
      value: { tiles: [], focusedSiteId: null, maxConcurrentAcquisitions: 1 },
    });
    expect(await standIn.ipcHandlers.get('larmor:desk.focus')!(trusted('https://evil.example/'), { siteId: 'mr-1' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.IPC_SENDER_REJECTED },
    });
    expect(await standIn.ipcHandlers.get('larmor:desk.focus')!(trusted(), { siteId: 'mr-1' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.DESK_UNKNOWN_SITE },
    });
    expect(await standIn.ipcHandlers.get('larmor:desk.focus')!(trusted(), { siteId: 'Not An Id!' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.IPC_INVALID_PAYLOAD },
    });
    expect(await standIn.ipcHandlers.get('larmor:desk.acknowledge')!(trusted(), { siteId: 'mr-1', alarmId: 'alarm-1' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.DESK_UNKNOWN_SITE },
    });
  });

  it('applies the machine policy to every site of a desk connect and tells the page its concurrent-acquisition limit', async () => {
    const policy: LoadedPolicy = {
      policy: { allowedGatewayUrls: ['wss://mr1.hospital.example/larmor'], maxConcurrentAcquisitions: 2 },
      source: '/etc/larmor/policy.json',
      trustedCaPem: null,
    };
    const { standIn } = await run({ policy });
    const sites = [
      { id: 'mr-1', name: 'MR-1', url: 'wss://mr1.hospital.example/larmor' },
      { id: 'mr-2', name: 'MR-2', url: 'wss://elsewhere.example/larmor' },
    ];
    expect(await standIn.ipcHandlers.get('larmor:desk.connect')!(trusted(), { sites, role: 'operator', user: 'a', password: 'b' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.POLICY_REFUSED },
    });
    expect(await standIn.ipcHandlers.get('larmor:desk.current')!(trusted(), undefined)).toMatchObject({ ok: true, value: { maxConcurrentAcquisitions: 2 } });
  });

  it("sends the desk view on its push channel and the focused core's images through the port", async () => {
    const { standIn, shell } = await run({ gatewayUrl: 'ws://127.0.0.1:9/larmor' });
    const contents = standIn.windows[0]!.webContents;
    const view: DeskView = { tiles: [], focusedSiteId: null, maxConcurrentAcquisitions: 1 };
    shell!.desk.emit('desk', view);
    // Desk views are paced (main/page-pushes.ts): the newest goes within one push interval.
    await vi.waitFor(() => expect(contents.sent.filter(([channel]) => channel === 'larmor:push:desk').at(-1)).toEqual(['larmor:push:desk', view]));
    expect(shell!.desk.focusedCore).toBe(shell!.core);
    (contents.posted.at(-1)!.ports[0] as MessagePort).close();
  });

  it("makes one core per site, named for the journal, and offers npm start's site list to the page", async () => {
    coresMade.length = 0;
    const sites = [
      { id: 'mr-1', name: 'MR-1 1.5 T', url: 'ws://127.0.0.1:9/larmor' },
      { id: 'mr-2', name: 'MR-2 3 T', url: 'ws://127.0.0.1:10/larmor' },
    ];
    const { standIn } = await run({ gatewayUrl: 'ws://127.0.0.1:9/larmor', sites });
    expect(coresMade).toEqual(['gateway']);
    expect(new URL(standIn.windows[0]!.loadedUrl!).searchParams.get('sites')).toBe(JSON.stringify(sites));
    (standIn.windows[0]!.webContents.posted.at(-1)!.ports[0] as MessagePort).close();
  });
});
