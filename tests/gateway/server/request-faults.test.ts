import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { SessionCredentials } from '../../../gateway/auth/session-credential.js';
import { RawClient, httpOriginOf, useGatewayFixture } from '../../helpers/gateway.js';
import { startGatewayWithSsoRoutes } from '../../helpers/sso.js';
import { freePort } from '../../helpers/ports.js';
import { addAccount, startGatewayProcess, stopProcess } from '../../helpers/gateway-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * What a peer leaves half done or gets wrong, or what the gateway fails to judge, ends that one
 * request or session, never the gateway: Node ends the whole process on an uncaught exception or
 * an unhandled rejection, and with it every link and the DICOM port.
 */
const f = useGatewayFixture();
let child: ChildProcess | undefined;
// Registered after the fixture, so it runs first (after-hooks run last registered first): the mocks are undone before the gateway closes.
afterEach(async () => {
  vi.restoreAllMocks();
  await stopProcess(child);
  child = undefined;
});

describe('a request or hello left half done, or malformed', () => {
  it('the gateway process lives through a sign-in whose body is cut off, and answers the next request', async () => {
    const dataDir = tempDir();
    addAccount(dataDir, 'site.admin', 'admin', 'a long test password');
    const port = await freePort();
    const started = startGatewayProcess(['--port', String(port), '--data-dir', dataDir]);
    child = started.child;
    await expect.poll(started.output).toMatch(/gateway listening/);
    const healthy = () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        async (response) => (await response.arrayBuffer(), response.ok),
        () => false,
      );
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
    const gateway = await f.start();
    vi.spyOn(SessionCredentials.prototype, 'verify').mockRejectedValueOnce(new Error('disk I/O error'));
    const client = f.closes(await RawClient.saidHello(gateway.url, 'observer', 'Trainer'));
    expect(await client.next((m) => m.type === 'refused')).toMatchObject({ code: ErrorCode.INTERNAL });
    expect((await client.closed).code).toBe(1008);
    const next = await f.client('observer', 'Trainer');
    next.sendJson({ type: 'ping', t: 1 });
    await next.next((m) => m.type === 'pong');
  });

  it('answers a request target no URL can be made of with a coded 400, before the sign-in routes parse it, and keeps serving', async () => {
    const sso = await startGatewayWithSsoRoutes(`http://127.0.0.1:${await freePort()}`);
    const gateway = f.adopt(sso.gateway);
    for (const target of ['//[', 'http://[', 'http://host:99999/']) {
      const answer = await rawExchange(gateway.port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(answer).toContain(ErrorCode.INVALID_MESSAGE);
    }
    expect((await fetch(`${sso.httpOrigin}/healthz`)).status).toBe(200);
  });

  it('answers with a coded 500 when a route throws, and keeps serving', async () => {
    const gateway = await f.start({
      httpRoutes: (req) => {
        if (req.url === '/broken') throw new Error('a route that fails');
        return false;
      },
    });
    const origin = httpOriginOf(gateway);
    const broken = await fetch(`${origin}/broken`);
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({ code: ErrorCode.INTERNAL });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});

/** Sends `text` on a new TCP connection and resolves with what came back, once the gateway has answered and closed. */
async function rawExchange(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (data) => {
    received += data.toString();
    // One answer is all that is asked for: the socket is kept alive otherwise.
    if (/\r\n\r\n/.test(received)) socket.end();
  });
  socket.on('error', () => undefined);
  socket.write(text);
  await new Promise((resolve) => socket.once('close', resolve));
  return received;
}
