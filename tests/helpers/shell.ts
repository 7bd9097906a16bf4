import { startBrowserShell, type BrowserShell } from '../../main/browser-shell/browser-shell.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { RENDERER_DIR } from './browser.js';

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
