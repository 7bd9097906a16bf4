import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBrowserShell, type BrowserShell } from '../../main/browser-shell/browser-shell.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { BRIDGE_TOKEN_META, BROWSER_BRIDGE_PATH } from '../../protocol/bridge.js';
import { RENDERER_DIR } from './browser.js';
import { tempDir } from './temp-dir.js';

/** One workstation (core + browser shell), as `npm start` runs it without Electron. */
export async function startWorkstation(defaultGatewayUrl?: string): Promise<{ core: WorkstationCore; shell: BrowserShell; close(): Promise<void> }> {
  const core = new WorkstationCore();
  attachImageIntake(core);
  const shell = await startBrowserShell({ core, rendererDir: RENDERER_DIR, defaultGatewayUrl });
  return {
    core,
    shell,
    close: async () => {
      core.disconnect();
      await shell.close();
    },
  };
}

/**
 * The browser shell on port 0 around `core` (a core or a desk) with an empty page, and a WebSocket
 * to its bridge holding the page's token and origin, as the page's own script opens it.
 */
export async function bridgeSocket(
  core: Parameters<typeof startBrowserShell>[0]['core'],
  options: Omit<Parameters<typeof startBrowserShell>[0], 'core' | 'rendererDir'> = {},
): Promise<{ shell: BrowserShell; ws: WebSocket }> {
  const rendererDir = tempDir();
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  const shell = await startBrowserShell({ core, rendererDir, ...options });
  const origin = `http://127.0.0.1:${shell.port}`;
  const html = await (await fetch(`${origin}/`)).text();
  const token = new RegExp(`<meta name="${BRIDGE_TOKEN_META}" content="([^"]+)">`).exec(html)![1]!;
  return { shell, ws: new WebSocket(`ws://127.0.0.1:${shell.port}${BROWSER_BRIDGE_PATH}?token=${token}`, { origin }) };
}
