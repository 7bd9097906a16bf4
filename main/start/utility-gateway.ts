import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShellElectron } from '../electron/electron-api.js';
import { gatewayProcessEnv } from './gateway-process-env.js';

/** Must match gateway-utility-entry.ts (not imported: importing it would start a gateway). */
const GATEWAY_ARGS_MARKER = '--larmor-gateway-args';
export const GATEWAY_UTILITY_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'gateway-utility-entry.js');

export interface UtilityGateway {
  url: string;
  onsiteUrl: string | null;
  /** The demo account the gateway created, offered on the connect screen (?user=); null when none. */
  demoUser: string | null;
  /** Asks the gateway to stop (SIGTERM on POSIX) and resolves once its process has exited. */
  stop(): Promise<void>;
}

/**
 * The embedded gateway under Electron: a utilityProcess, not child_process.fork (fork runs the
 * Electron binary as Node, which needs the RunAsNode fuse this app turns off). The gateway
 * reports its address with a 'gateway-ready' message, as it does to `npm start`; like there,
 * --demo-accounts makes the demo accounts on first run (embedded-gateway.ts).
 */
export function startGatewayInUtilityProcess(
  utilityProcess: ShellElectron['utilityProcess'],
  args: string[],
  entry: string = GATEWAY_UTILITY_ENTRY,
): Promise<UtilityGateway> {
  // No V8 options (base/node/gc-node-options.ts), unlike `npm start`'s fork: Electron's utility
  // process makes its V8 isolate before it hands `execArgv` to Node (Electron's
  // shell/services/node/node_service.cc), so they would come after the heap exists; in Node,
  // `--single-threaded-gc` set that late aborted V8 (README "V8's helper threads on two cores").
  const child = utilityProcess.fork(entry, [GATEWAY_ARGS_MARKER, '--port', process.env.LARMOR_GATEWAY_PORT ?? '0', '--demo-accounts', ...args], {
    serviceName: 'Larmor gateway',
    stdio: 'inherit',
    env: gatewayProcessEnv() as Record<string, string>,
  });
  // Made now, so an exit before stop() is called still resolves it.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => {
    child.kill();
    return exited;
  };
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string; url?: string; onsiteUrl?: string; demoUser?: string | null }) => {
      if (message?.type === 'gateway-ready' && message.url)
        resolve({ url: message.url, onsiteUrl: message.onsiteUrl ?? null, demoUser: message.demoUser ?? null, stop });
    });
    child.once('exit', (code: number) => reject(new Error(`gateway exited with code ${code} before it was ready`)));
  });
}
