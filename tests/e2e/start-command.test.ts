import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL, type SignInResponse } from '../../protocol/index.js';
import { signInAt } from '../helpers/accounts.js';
import { tempDir } from '../helpers/temp-dir.js';
import { SETTLE_BUDGET_MS } from '../helpers/gateway.js';

const LARMOR = join(import.meta.dirname, '..', '..', 'bin', 'larmor.js');

/** A process's children, from Linux's /proc (the gateways `larmor start` forked). */
const childrenOf = (pid: number): number[] => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

/** Still running: present in /proc and not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('larmor start (what npm start runs), as a process', () => {
  it('starts the embedded gateway and the browser shell, prints both addresses, serves both pages, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [LARMOR, 'start'], {
      env: { ...process.env, LARMOR_PORT: '0', LARMOR_NO_ELECTRON: '1', LARMOR_DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await expect.poll(() => /Larmor workstation: (\S+)/.test(out) && /onsite console: (\S+)/.test(out), { timeout: SETTLE_BUDGET_MS }).toBe(true);
    const workstation = /Larmor workstation: (\S+)/.exec(out)![1]!;
    const onsite = /onsite console: (\S+)/.exec(out)![1]!;
    const gateway = decodeURIComponent(/[?&]gateway=([^&\s]+)/.exec(workstation)![1]!);

    expect((await fetch(workstation)).status).toBe(200);
    expect(await (await fetch(onsite)).text()).toMatch(/<div id="root">/);

    // First run on an empty data dir: demo accounts, each printed once with its password, and
    // the connect form starts with the demo operator's name.
    expect(new URL(workstation).searchParams.get('user')).toBe('demo.operator');
    for (const user of ['demo.operator', 'demo.onsite', 'demo.observer', 'demo.admin'])
      expect(out).toMatch(new RegExp(`${user.replace('.', '\\.')}\\s+\\S+\\s+password: \\S+`));
    const password = new RegExp('demo\\.observer\\s+\\S+\\s+password: (\\S+)').exec(out)![1]!;
    const { status, body } = await signInAt(gateway, 'demo.observer', password, 'observer');
    expect(status).toBe(200);

    // The embedded gateway is a real, separate service speaking the wire protocol.
    const ws = new WebSocket(gateway, SUBPROTOCOL);
    const welcome = await new Promise<{ type: string; snapshot: { state: string } }>((resolve, reject) => {
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: { session: (body as SignInResponse).credential } })),
      );
      ws.once('message', (data) => resolve(JSON.parse(data.toString())));
      ws.once('error', reject);
    });
    ws.close();
    expect(welcome).toMatchObject({ type: 'welcome', snapshot: { state: 'idle' } });

    // Stopping waits for the gateways: none is left running (writing to its data dir, holding
    // its ports) once `larmor start` has exited.
    const gateways = childrenOf(child.pid!);
    expect(gateways).toHaveLength(2);
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.once('exit', (code) => resolve(code)))).toBe(0);
    expect(gateways.filter(isRunning)).toEqual([]);
  });
});
