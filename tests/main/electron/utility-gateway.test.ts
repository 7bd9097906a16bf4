import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ShellElectron, ShellUtilityProcess } from '../../../main/electron/electron-api.js';
import { startGatewayInUtilityProcess, type UtilityGateway } from '../../../main/start/utility-gateway.js';
import { tempDir, tempDirForFile } from '../../helpers/temp-dir.js';

/** The built entry (npm run build / tsc -b): a utility process runs compiled JavaScript. */
const ENTRY = join(import.meta.dirname, '..', '..', '..', 'dist', 'main', 'start', 'gateway-utility-entry.js');

/**
 * Electron's utilityProcess, as far as Node can play it: a child with process.parentPort and
 * without process.send (as a utility process has), whose messages arrive as 'message' events
 * and whose kill() ends it. The real gateway runs in it.
 */
function nodeUtilityProcess(dataDir: string): ShellElectron['utilityProcess'] {
  const parentPortShim = 'const send = process.send.bind(process); process.send = undefined; process.parentPort = { postMessage: (m) => send(m) };';
  return {
    fork(modulePath, args = []) {
      const child = fork(modulePath, args, {
        execArgv: ['--import', `data:text/javascript,${encodeURIComponent(parentPortShim)}`],
        env: { ...process.env, LARMOR_DATA_DIR: dataDir },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const standIn = new EventEmitter() as EventEmitter & { kill(): boolean; pid: number | undefined };
      child.on('message', (message) => standIn.emit('message', message));
      child.on('exit', (code) => standIn.emit('exit', code ?? 0));
      standIn.kill = () => child.kill('SIGTERM');
      standIn.pid = child.pid;
      return standIn as unknown as ShellUtilityProcess;
    },
  };
}

describe.skipIf(!existsSync(ENTRY))('embedded gateway in a utility process', () => {
  let gateway: UtilityGateway | null = null;
  afterEach(() => gateway?.stop());

  it('starts the real gateway through the utility entry and reports an address that answers', async () => {
    gateway = await startGatewayInUtilityProcess(nodeUtilityProcess(tempDirForFile()), [], ENTRY);
    expect(gateway.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
    const ws = new WebSocket(gateway.url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.close();
  });

  it('reports a gateway that dies before it is ready', async () => {
    await expect(startGatewayInUtilityProcess(nodeUtilityProcess(tempDir()), ['--port', 'not-a-port'], ENTRY)).rejects.toThrow(/exited/);
  });
});
