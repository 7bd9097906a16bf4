import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Rsyslog, makeTestCa } from '../../helpers/rsyslog.js';
import { freePort } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { stopProcess } from '../../helpers/gateway-process.js';

const LARMOR = join(import.meta.dirname, '../../../bin/larmor.js');

let child: ChildProcess | undefined;
let rsyslog: Rsyslog | undefined;
afterEach(async () => {
  await stopProcess(child);
  child = undefined;
  await rsyslog?.stop();
  rsyslog = undefined;
});

describe('larmor gateway with the audit options (the built CLI, as a process)', () => {
  it('ships to rsyslog with --audit-syslog, --audit-syslog-ca and --audit-syslog-unread-mb, keeps its files private, and its trail verifies', async () => {
    const dir = tempDir();
    const caDir = mkdtempSync(join(tmpdir(), 'larmor-audit-ca-'));
    const tls = makeTestCa(caDir);
    const port = await freePort();
    rsyslog = await Rsyslog.start(dir, port, tls);
    const dataDir = join(dir, 'data');
    // A gateway starts only with an account to sign in with.
    expect(
      spawnSync(process.execPath, [LARMOR, 'gateway', 'users', 'add', 'site.admin', '--roles', 'admin', '--data-dir', dataDir], {
        input: 'a long test password\n',
        encoding: 'utf8',
      }).status,
    ).toBe(0);
    child = spawn(
      process.execPath,
      [
        LARMOR,
        'gateway',
        '--data-dir',
        dataDir,
        '--audit-syslog',
        `tls://127.0.0.1:${port}`,
        '--audit-syslog-ca',
        tls.ca,
        '--audit-syslog-unread-mb',
        '8',
        '--observer-phi',
        'none',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await expect.poll(() => rsyslog!.lines().some((l) => l.includes('originalText="Application Start"'))).toBe(true);
    await expect.poll(() => stdout).toContain('a row counts as delivered once 8 MiB more were sent after it');
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await expect.poll(() => rsyslog!.lines().some((l) => l.includes('originalText="Application Stop"'))).toBe(true);
    rmSync(caDir, { recursive: true, force: true });

    expect(statSync(join(dataDir, 'gateway')).mode & 0o777).toBe(0o700);
    for (const name of ['gateway.sqlite', 'gateway.sqlite.syslog-cursor']) expect(statSync(join(dataDir, 'gateway', name)).mode & 0o777, name).toBe(0o600);
    const verify = spawnSync(process.execPath, [LARMOR, 'audit', 'verify', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(verify.status).toBe(0);
  });

  it('refuses an --audit-syslog that is not tls://HOST:PORT, and an unknown --observer-phi', () => {
    const badUrl = spawnSync(process.execPath, [LARMOR, 'gateway', '--data-dir', tempDir(), '--audit-syslog', 'udp://10.0.0.1:514'], { encoding: 'utf8' });
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain('--audit-syslog udp://10.0.0.1:514 must be tls://HOST:PORT');
    const badPolicy = spawnSync(process.execPath, [LARMOR, 'gateway', '--data-dir', tempDir(), '--observer-phi', 'some'], { encoding: 'utf8' });
    expect(badPolicy.status).toBe(2);
    expect(badPolicy.stderr).toContain('--observer-phi some must be none or full');
  });

  it('refuses an --audit-syslog-unread-mb that is not a whole number of MiB in range, or without --audit-syslog', () => {
    const url = ['--audit-syslog', 'tls://127.0.0.1:6514'];
    for (const [args, words] of [
      [[...url, '--audit-syslog-unread-mb', '0'], '--audit-syslog-unread-mb 0 must be a whole number of MiB, 1..4096'],
      [[...url, '--audit-syslog-unread-mb', '2.5'], '--audit-syslog-unread-mb 2.5 must be a whole number of MiB, 1..4096'],
      [[...url, '--audit-syslog-unread-mb', 'lots'], '--audit-syslog-unread-mb lots must be a whole number of MiB, 1..4096'],
      [['--audit-syslog-unread-mb', '8'], '--audit-syslog-unread-mb goes with --audit-syslog'],
    ] as const) {
      const run = spawnSync(process.execPath, [LARMOR, 'gateway', '--data-dir', tempDir(), ...args], { encoding: 'utf8' });
      expect([run.status, run.stderr.includes(words)], words).toEqual([2, true]);
    }
  });
});
