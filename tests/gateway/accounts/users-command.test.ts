import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { Gateway } from '../../../gateway/server/gateway.js';
import { gatewayDataFile } from '../../../gateway/storage/data-dir.js';
import { signInAt } from '../../helpers/accounts.js';
import { useGatewayFixture } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';

const LARMOR = join(import.meta.dirname, '..', '..', '..', 'bin', 'larmor.js');

/** `larmor ...` as a process (the built CLI), `stdin` piped in; resolves with its exit code and output. */
function larmor(args: string[], stdin = ''): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [LARMOR, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

const f = useGatewayFixture();

describe('larmor gateway users', () => {
  it('adds, lists, disables and enables accounts in the data dir of a running gateway', async () => {
    const dir = tempDir();
    expect(await larmor(['gateway', 'users', 'add', 'jane.doe', '--roles', 'operator,observer', '--data-dir', dir], 'a long password\n')).toMatchObject({
      code: 0,
    });
    expect(
      await larmor(['gateway', 'users', 'add', 'onsite.tech', '--roles', 'onsite', '--level', 'mrst', '--data-dir', dir], 'another password\n'),
    ).toMatchObject({ code: 0 });
    const gateway = f.adopt(await Gateway.start({ port: 0, dataFile: gatewayDataFile(dir) }));
    expect((await signInAt(gateway.url, 'jane.doe', 'a long password', 'operator')).status).toBe(200);
    expect((await signInAt(gateway.url, 'onsite.tech', 'another password', 'onsite')).body).toMatchObject({ user: { level: 'mrst' } });

    const list = await larmor(['gateway', 'users', 'list', '--data-dir', dir]);
    expect(list.out).toMatch(/jane\.doe\s+jane\.doe\s+operator,observer\s+-\s+enabled/);
    expect(list.out).toMatch(/onsite\.tech\s+onsite\.tech\s+onsite\s+mrst\s+enabled/);

    expect((await larmor(['gateway', 'users', 'disable', 'jane.doe', '--data-dir', dir])).code).toBe(0);
    expect(await signInAt(gateway.url, 'jane.doe', 'a long password', 'operator')).toMatchObject({ status: 403, body: { code: ErrorCode.ACCOUNT_DISABLED } });
    expect((await larmor(['gateway', 'users', 'enable', 'jane.doe', '--data-dir', dir])).code).toBe(0);
    expect((await signInAt(gateway.url, 'jane.doe', 'a long password', 'operator')).status).toBe(200);
    expect(
      gateway.store
        .auditTrail()
        .filter((r) => r.action.startsWith('account '))
        .map((r) => r.action),
    ).toEqual(['account add', 'account add', 'account disable', 'account enable']);
  });

  it('changes a password and roles', async () => {
    const dir = tempDir();
    await larmor(['gateway', 'users', 'add', 'jane.doe', '--roles', 'observer', '--data-dir', dir], 'first password\n');
    expect((await larmor(['gateway', 'users', 'set-password', 'jane.doe', '--data-dir', dir], 'second password\n')).code).toBe(0);
    expect((await larmor(['gateway', 'users', 'set-roles', 'jane.doe', '--roles', 'operator', '--data-dir', dir])).code).toBe(0);
    const gateway = f.adopt(await Gateway.start({ port: 0, dataFile: gatewayDataFile(dir) }));
    expect((await signInAt(gateway.url, 'jane.doe', 'first password', 'operator')).status).toBe(401);
    expect((await signInAt(gateway.url, 'jane.doe', 'second password', 'operator')).status).toBe(200);
    expect((await signInAt(gateway.url, 'jane.doe', 'second password', 'observer')).status).toBe(403);
  });

  it('refuses bad input with a reason: onsite without a level, an unknown role, a display name past its limit, a short password, a duplicate', async () => {
    const dir = tempDir();
    expect(await larmor(['gateway', 'users', 'add', 'x.y', '--roles', 'onsite', '--data-dir', dir], 'a long password\n')).toMatchObject({
      code: 2,
      out: expect.stringMatching(/--level mr1\|mr2\|mrst/),
    });
    expect(await larmor(['gateway', 'users', 'add', 'x.y', '--roles', 'physicist', '--data-dir', dir], 'a long password\n')).toMatchObject({
      code: 2,
      out: expect.stringMatching(/unknown role physicist/),
    });
    expect(await larmor(['gateway', 'users', 'add', 'x.y', '--roles', 'operator', '--data-dir', dir], 'short\n')).toMatchObject({
      code: 1,
      out: expect.stringMatching(/at least 8 characters/),
    });
    // A display name is shown whole in every list of people; the name of a person is not a page long.
    expect(
      await larmor(['gateway', 'users', 'add', 'x.y', '--roles', 'operator', '--display-name', 'N'.repeat(65), '--data-dir', dir], 'a long password\n'),
    ).toMatchObject({ code: 2, out: expect.stringMatching(/--display-name is a person's name of 1 to 64 characters/) });
    await larmor(['gateway', 'users', 'add', 'x.y', '--roles', 'operator', '--data-dir', dir], 'a long password\n');
    expect(await larmor(['gateway', 'users', 'add', 'x.y', '--roles', 'operator', '--data-dir', dir], 'a long password\n')).toMatchObject({
      code: 1,
      out: expect.stringMatching(/exists already/),
    });
  });
});

describe('larmor gateway without accounts', () => {
  it('refuses to start, and says how to add one', async () => {
    const dir = tempDir();
    const { code, out } = await larmor(['gateway', '--data-dir', dir]);
    expect(code).toBe(1);
    expect(out).toContain(ErrorCode.NO_ACCOUNTS);
    expect(out).toMatch(/larmor gateway users add \S+ --roles operator --data-dir/);
  });
});
