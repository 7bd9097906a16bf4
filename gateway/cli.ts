import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LarmorError } from '../protocol/index.js';
import { Gateway } from './server/gateway.js';

const USAGE = `usage: larmor gateway [--port N] [--host ADDR] [--time-scale X] [--data-dir DIR]
                      [--tls-cert FILE --tls-key FILE] [--token TOKEN]
                      [--site NAME] [--fallback TEXT]`;

/**
 * `larmor gateway`: the scanner-side service. When started by the workstation (`npm start`)
 * with an IPC channel, it reports its port with process.send instead of making the parent
 * parse stdout.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.LARMOR_GATEWAY_PORT ?? '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'time-scale': { type: 'string', default: process.env.LARMOR_TIME_SCALE ?? '1' },
      'data-dir': { type: 'string', default: process.env.LARMOR_DATA_DIR ?? join(homedir(), '.larmor') },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      token: { type: 'string', default: process.env.LARMOR_GATEWAY_TOKEN },
      site: { type: 'string' },
      fallback: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(`--port ${values.port} is not a port number`);
  if (!(timeScale > 0 && timeScale <= 1000)) return usageError(`--time-scale ${values['time-scale']} must be in (0, 1000]`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) return usageError('--tls-cert and --tls-key go together');
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({
      port,
      host: values.host,
      timeScale,
      dataFile: join(values['data-dir'], 'gateway', 'gateway.sqlite'),
      tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined,
      token: values.token,
      site: values.site ? { name: values.site, scanner: 'Simulated 1.5 T', fieldStrengthT: 1.5 } : undefined,
      policy: values.fallback ? { fallbackInstructions: values.fallback } : undefined,
      log: (line) => console.log(`[gateway] ${line}`),
    });
  } catch (err) {
    const code = err instanceof LarmorError ? err.code : ((err as { code?: string }).code ?? 'LARMOR_E_INTERNAL');
    console.error(`larmor gateway: ${code}: ${(err as Error).message}`);
    return 1;
  }
  process.send?.({ type: 'gateway-ready', url: gateway.url, port: gateway.port });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
  });
  await gateway.close();
  return 0;
}

function usageError(message: string): number {
  console.error(`larmor gateway: ${message}\n${USAGE}`);
  return 2;
}
