import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION } from '../../../protocol/index.js';
import { SessionCredentials } from '../../../gateway/auth/session-credential.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { RawClient, startTestGateway } from '../../helpers/gateway.js';
import { testCredential } from '../../helpers/accounts.js';
import { freePort } from '../../helpers/rsyslog.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * What a peer leaves half done, or what the gateway fails to judge, ends that one request or
 * session, never the gateway: Node ends the whole process on an unhandled rejection, and with it
 * every link and the DICOM port.
 */
const LARMOR = join(import.meta.dirname, '../../../bin/larmor.js');

let child: ChildProcess | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await gateway?.close();
  gateway = undefined;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
});

describe('a request or hello left half done', () => {
  it('the gateway process lives through a sign-in whose body is cut off, and answers the next request', async () => {
    const dataDir = tempDir();
    const added = spawnSync(process.execPath, [LARMOR, 'gateway', 'users', 'add', 'site.admin', '--roles', 'admin', '--data-dir', dataDir], {
      input: 'a long test password\n',
      encoding: 'utf8',
    });
    expect(added.status).toBe(0);
    const port = await freePort();
    child = spawn(process.execPath, [LARMOR, 'gateway', '--port', String(port), '--data-dir', dataDir], { stdio: 'ignore' });
    const healthy = () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        async (response) => (await response.arrayBuffer(), response.ok),
        () => false,
      );
    while (!(await healthy())) {
      expect(child.exitCode).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Headers and the start of the body, then gone.
    const cut = connect(port, '127.0.0.1');
    cut.on('error', () => undefined);
    await new Promise<void>((resolve) => cut.once('connect', () => resolve()));
    const head = 'POST /auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    await new Promise<void>((resolve) => cut.write(`${head}{"user`, () => resolve()));
    cut.destroy();
    for (let i = 0; i < 5; i++) expect(await healthy()).toBe(true);
    expect(child.exitCode).toBeNull();
  });

  it('refuses a hello the gateway failed to check with a code, and keeps serving', async () => {
    gateway = await startTestGateway();
    vi.spyOn(SessionCredentials.prototype, 'verify').mockRejectedValueOnce(new Error('disk I/O error'));
    const client = await RawClient.connect(gateway.url);
    client.sendJson({
      type: 'hello',
      version: PROTOCOL_VERSION,
      role: 'observer',
      credentials: { session: await testCredential(gateway.url, 'Trainer', 'observer') },
    });
    expect(await client.next((m) => m.type === 'refused')).toMatchObject({ code: ErrorCode.INTERNAL });
    expect((await client.closed).code).toBe(1008);
    const next = await RawClient.greeted(gateway.url, 'observer', 'Trainer');
    next.sendJson({ type: 'ping', t: 1 });
    await next.next((m) => m.type === 'pong');
    next.close();
  });
});
