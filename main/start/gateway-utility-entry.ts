/**
 * Entry of the embedded gateway when Electron starts it with utilityProcess.fork (a Node
 * service process of Electron's own, so the RunAsNode fuse can stay off; fork() would need it).
 * The gateway's entry is unchanged: it reads process.argv.slice(2) and reports readiness with
 * process.send, as under child_process.fork. A utility process has process.parentPort instead
 * of process.send, and Electron's docs do not promise argv's leading entries, so this adapts
 * both and then runs the gateway entry.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Written by utility-gateway.ts before the gateway's own arguments. */
export const GATEWAY_ARGS_MARKER = '--larmor-gateway-args';

interface ParentPort {
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort && !process.send) {
  (process as { send?: (message: unknown) => boolean }).send = (message) => {
    parentPort.postMessage(message);
    return true;
  };
}
const marker = process.argv.indexOf(GATEWAY_ARGS_MARKER);
const gatewayArgs = marker >= 0 ? process.argv.slice(marker + 1) : [];
const gatewayEntry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'gateway', 'main.js');
process.argv = [process.argv[0]!, gatewayEntry, ...gatewayArgs];
await import(pathToFileURL(gatewayEntry).href);
