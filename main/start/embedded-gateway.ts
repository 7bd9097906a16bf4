import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gcNodeOptions } from '../../base/node/gc-node-options.js';
import { gatewayProcessEnv } from './gateway-process-env.js';

const gatewayEntry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'gateway', 'main.js');

/** A demo account as the gateway reports it to `npm start` (its password shown once, by the parent). */
export interface ReportedDemoAccount {
  userId: string;
  roles: string[];
  password: string;
}

export interface EmbeddedGateway {
  url: string;
  /** The onsite console page, served by the same gateway. */
  onsiteUrl: string | null;
  /** The demo operator account created on this first run, to pre-fill the connect form. */
  demoUser: string | null;
  /** With `reportDemoAccounts`: the accounts created on this first run (empty on later runs). */
  demoAccounts: ReportedDemoAccount[];
  child: ChildProcess;
  /** Asks the gateway to stop (SIGTERM: it closes its stores and sockets) and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface EmbeddedGatewayOptions {
  /** The gateway tells its demo accounts to the parent instead of printing them (the parent prints once for all gateways). */
  reportDemoAccounts?: boolean;
  /** Passwords for the demo accounts (another gateway's), so every gateway of the desk has the same ones. */
  demoPasswords?: Record<string, string>;
  /** Listening port; default LARMOR_GATEWAY_PORT, else any free one. */
  port?: string;
}

/**
 * Start the gateway and its simulator as a separate process, as it runs at a site: the
 * workstation talks to it only over the wire. (Under Electron, fork runs the bundled Node.)
 * The child reports its address over the IPC channel.
 */
export function startEmbeddedGateway(args: string[], options: EmbeddedGatewayOptions = {}): Promise<EmbeddedGateway> {
  const env = {
    ...gatewayProcessEnv(),
    ...(options.reportDemoAccounts ? { LARMOR_DEMO_ACCOUNTS_TO_PARENT: '1' } : {}),
    ...(options.demoPasswords ? { LARMOR_DEMO_PASSWORDS: JSON.stringify(options.demoPasswords) } : {}),
  };
  // --demo-accounts: the demo stays two commands (install, start): accounts are made on first run.
  const child = fork(gatewayEntry, ['--port', options.port ?? process.env.LARMOR_GATEWAY_PORT ?? '0', '--demo-accounts', ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
    execArgv: [...process.execArgv, ...gcNodeOptions()],
  });
  // Made now, so an exit before stop() is called still resolves it.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string; url?: string; onsiteUrl?: string; demoUser?: string | null; demoAccounts?: ReportedDemoAccount[] }) => {
      if (message.type === 'gateway-ready' && message.url) {
        resolve({
          url: message.url,
          onsiteUrl: message.onsiteUrl ?? null,
          demoUser: message.demoUser ?? null,
          demoAccounts: message.demoAccounts ?? [],
          child,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with code ${code} before it was ready`)));
  });
}
