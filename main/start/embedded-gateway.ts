import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const gatewayEntry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'gateway', 'main.js');

export interface EmbeddedGateway {
  url: string;
  /** The onsite console page (issue 6), served by the same gateway. */
  onsiteUrl: string | null;
  /** The demo operator account created on this first run, to pre-fill the connect form. */
  demoUser: string | null;
  child: ChildProcess;
  stop(): void;
}

/**
 * Start the gateway and its simulator as a separate process, as it runs at a site: the
 * workstation talks to it only over the wire. (Under Electron, fork runs the bundled Node.)
 * The child reports its address over the IPC channel.
 */
export function startEmbeddedGateway(args: string[]): Promise<EmbeddedGateway> {
  // --demo-accounts: the demo stays two commands (install, start): accounts are made on first run.
  const child = fork(gatewayEntry, ['--port', process.env.LARMOR_GATEWAY_PORT ?? '0', '--demo-accounts', ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string; url?: string; onsiteUrl?: string; demoUser?: string | null }) => {
      if (message.type === 'gateway-ready' && message.url) resolve({ url: message.url, onsiteUrl: message.onsiteUrl ?? null, demoUser: message.demoUser ?? null, child, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with code ${code} before it was ready`)));
  });
}
