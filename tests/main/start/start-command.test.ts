import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SiteEntry } from '../../../protocol/index.js';
import { signInAt } from '../../helpers/accounts.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { takeScannerCount } from '../../../main/start/demo-scanners.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { gcNodeOptions } from '../../../base/node/gc-node-options.js';

const LARMOR = join(import.meta.dirname, '..', '..', '..', 'bin', 'larmor.js');

/** The processes whose parent is `parent` (Linux: proc(5)). */
function childProcesses(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // Field 4 of /proc/PID/stat, after the command's name in parentheses.
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === parent;
      } catch {
        return false; // it ended meanwhile
      }
    })
    .map(Number);
}
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
const environment = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

describe('larmor start with two simulated scanners (the desk demo)', () => {
  it('starts two gateways with the same demo accounts, printed once, both onsite consoles, and offers both sites to the page', async () => {
    const child = spawn(process.execPath, [LARMOR, 'start'], {
      env: { ...process.env, LARMOR_PORT: '0', LARMOR_NO_ELECTRON: '1', LARMOR_DATA_DIR: tempDir(), LARMOR_SCANNERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await expect.poll(() => /Larmor workstation: (\S+)/.test(out), { timeout: 60_000 }).toBe(true);
      const workstation = new URL(/Larmor workstation: (\S+)/.exec(out)![1]!);
      const onsite = [...out.matchAll(/onsite console: (\S+) \((MR-\d [\d.]+ T)\)/g)].map((m) => [m[2], m[1]]);
      expect(onsite.map(([name]) => name)).toEqual(['MR-1 1.5 T', 'MR-2 3 T']);
      const sites = JSON.parse(workstation.searchParams.get('sites')!) as SiteEntry[];
      expect(sites.map((s) => `${s.id}:${s.name}`)).toEqual(['mr-1:MR-1 1.5 T', 'mr-2:MR-2 3 T']);
      expect(workstation.searchParams.get('gateway')).toBe(sites[0]!.url);
      // Each gateway is a process of its own, started with the launchers' environment and Node
      // options (main/start/gateway-process-env.ts, base/node/gc-node-options.ts), as a gateway
      // service should be.
      const gateways = childProcesses(child.pid!).filter((pid) => commandLine(pid).some((arg) => arg.endsWith(join('gateway', 'main.js'))));
      expect(gateways).toHaveLength(2);
      for (const pid of gateways) {
        expect(commandLine(pid)).toEqual(expect.arrayContaining(gcNodeOptions()));
        expect(environment(pid)).toContain('MALLOC_ARENA_MAX=2');
      }
      // Printed once; the one password signs in at both scanners.
      expect(out.match(/demo\.operator\s+\S+\s+password:/g)).toHaveLength(1);
      const password = /demo\.operator\s+\S+\s+password: (\S+)/.exec(out)![1]!;
      for (const site of sites) expect((await signInAt(site.url, 'demo.operator', password, 'operator')).status).toBe(200);
      // The second scanner is a 3 T magnet, as its site name says.
      const core = new WorkstationCore();
      await core.connect({ url: sites[1]!.url, role: 'operator', user: 'demo.operator', password });
      expect(core.view().snapshot!.site).toMatchObject({ name: 'MR-2', scanner: 'Larmor MR simulator', fieldStrengthT: 3 });
      core.disconnect();
    } finally {
      child.kill('SIGINT');
    }
    expect(await new Promise((resolve) => child.once('exit', (code) => resolve(code)))).toBe(0);
  });
});

describe('larmor start --scanners', () => {
  it('takes the count out of the arguments the gateways get, defaulting to two', () => {
    expect(takeScannerCount(['--time-scale', '10'], {})).toEqual({ scanners: 2, rest: ['--time-scale', '10'] });
    expect(takeScannerCount(['--scanners', '1', '--time-scale', '10'], {})).toEqual({ scanners: 1, rest: ['--time-scale', '10'] });
    expect(takeScannerCount(['--scanners=3'], {})).toEqual({ scanners: 3, rest: [] });
    expect(takeScannerCount([], { LARMOR_SCANNERS: '1' })).toEqual({ scanners: 1, rest: [] });
    expect(takeScannerCount(['--scanners', '9'], {})).toHaveProperty('error');
  });
});
