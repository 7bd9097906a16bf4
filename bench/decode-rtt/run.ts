/**
 * bench/decode-rtt: pong round-trip time seen from the workstation while it decodes a 4096 x 4096
 * 16-bit RLE image (32 MiB decoded), with decoding on the main thread and on the worker pool.
 * The gateway runs in a child process; a WebSocket client in the workstation's process pings it
 * every 5 ms, so each RTT includes any wait of the workstation's event loop, and of the
 * gateway's: the gateway measures its own (gateway-child.ts), given beside.
 *
 *   npx tsx bench/decode-rtt/run.ts [--images 5]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../protocol/index.js';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { percentile, printTable } from '../lib/stats.js';
import { testLogin } from '../../tests/helpers/accounts.js';
import { gatewayProcessEnv } from '../../main/start/gateway-process-env.js';
import { gcNodeOptions } from '../../base/node/gc-node-options.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '5' } } });
const IMAGES = Number(values.images);

// Started as the launchers start a gateway: their environment and Node options (main/start/gateway-process-env.ts,
// base/node/gc-node-options.ts).
const child = spawn(process.execPath, [...gcNodeOptions(), '--import', 'tsx', join(import.meta.dirname, 'gateway-child.ts')], {
  stdio: ['pipe', 'pipe', 'inherit'],
  env: gatewayProcessEnv(),
});
const childLines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const nextLine = async () => String((await childLines.next()).value);
const firstLine = await nextLine();
const url = firstLine.split(' ')[1]!;
console.log(`gateway child: ${firstLine}`);

async function measure(mode: 'main thread' | 'worker pool'): Promise<(string | number)[]> {
  const core = new WorkstationCore();
  const pool = attachImageIntake(core, mode === 'worker pool' ? { workers: 1 } : {});
  await pool?.ready;
  let decoded = 0;
  core.on('image', () => decoded++);
  await core.connect({ url, role: 'observer', ...testLogin('Rtt Observer') });
  const pinger = new WebSocket(url, SUBPROTOCOL);
  await new Promise((resolve) => pinger.once('open', resolve));
  const rtts: number[] = [];
  let measuring = false;
  pinger.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; t?: number };
    if (message.type === 'pong' && measuring) rtts.push(performance.now() - message.t!);
  });
  const timer = setInterval(() => pinger.send(JSON.stringify({ type: 'ping', t: performance.now() })), 5);
  const decodeMs: number[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const before = decoded;
    measuring = true;
    const start = performance.now();
    child.stdin!.write('publish\n');
    while (decoded === before) await new Promise((r) => setTimeout(r, 1));
    decodeMs.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 100));
    measuring = false;
    child.stdin!.write('settled\n');
    await new Promise((r) => setTimeout(r, 200));
  }
  child.stdin!.write('report\n');
  const pauses = (await nextLine()).split(' ').slice(1).map(Number);
  clearInterval(timer);
  pinger.close();
  core.disconnect();
  await pool?.close();
  return [
    mode,
    IMAGES,
    percentile(decodeMs, 50),
    rtts.length,
    percentile(rtts, 50),
    percentile(rtts, 99),
    Math.max(...rtts),
    percentile(pauses, 50),
    Math.max(...pauses),
  ];
}

const rows = [await measure('main thread'), await measure('worker pool')];
console.log(
  `\npong RTT (ms) seen from the workstation while 4096x4096 16-bit RLE images arrive and decode; ${IMAGES} images per mode; node ${process.version}\n`,
);
console.log(
  "Beside: the gateway's event loop's longest pause while an image was published and sent (a pong waits for it as well), median and worst of the images.\n",
);
printTable(['decoding on', 'images', 'publish->image p50 ms', 'pings', 'RTT p50', 'RTT p99', 'RTT max', 'gateway longest pause p50 ms', 'max ms'], rows);
child.stdin!.write('exit\n');
