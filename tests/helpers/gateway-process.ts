import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI (`npm run build` writes what it runs). */
const LARMOR = join(import.meta.dirname, '../../bin/larmor.js');

/** `larmor gateway users add`: an account in `dataDir`, its password given on stdin; `larmor` is another checkout's CLI. */
export function addAccount(dataDir: string, user: string, role: string, password: string, larmor: string = LARMOR): void {
  const added = spawnSync(process.execPath, [larmor, 'gateway', 'users', 'add', user, '--roles', role, '--data-dir', dataDir], {
    input: `${password}\n`,
    encoding: 'utf8',
  });
  if (added.status !== 0) throw new Error(`larmor gateway users add ${user} failed: ${added.stderr}`);
}

/** `node NODE_OPTIONS larmor gateway ARGS` as its own process; `output` is what it has printed so far, both streams. */
export function startGatewayProcess(args: string[], nodeOptions: string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...nodeOptions, LARMOR, 'gateway', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return { child, output: () => text };
}

/** SIGTERM (or `signal`), and back once it has exited; nothing to do when it already has. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
