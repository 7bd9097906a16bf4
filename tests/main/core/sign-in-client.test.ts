/**
 * The workstation's sign-in against gateways that misbehave: real HTTP servers on port 0 that
 * trickle their answer a byte at a time, answer with far more than a session credential, or stand
 * in front of a gateway that is down (a reverse proxy's error page); and against a real gateway
 * that holds sign-ins back after wrong guesses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { SignInRefused, signInAtGateway } from '../../../main/core/sign-in-client.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { signInAt, TEST_PASSWORD, testUserId } from '../../helpers/accounts.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function gatewayThat(answer: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(answer);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const FIELDS = { user: 'demo.operator', password: 'not this one', role: 'operator' } as const;

describe('sign-in at a gateway that misbehaves', () => {
  it('gives up on an answer trickled a byte at a time once its deadline passes, though the socket is never idle', async () => {
    const url = await gatewayThat((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const trickle = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(trickle));
    });
    await expect(signInAtGateway(url, FIELDS, undefined, { timeoutMs: 300, maxAnswerBytes: 64 * 1024 })).rejects.toMatchObject({
      code: ErrorCode.LINK_DOWN,
      message: expect.stringMatching(/no whole answer within 300 ms/),
    });
  });

  it('refuses an answer larger than a session credential could be, without keeping it', async () => {
    let written = 0;
    const url = await gatewayThat((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // As much as the socket takes, until the client goes.
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    await expect(signInAtGateway(url, FIELDS, undefined, { timeoutMs: 60_000, maxAnswerBytes: 64 * 1024 })).rejects.toMatchObject({
      code: ErrorCode.FRAME_TOO_LARGE,
    });
    expect(written).toBeLessThan(512 * 1024 * 1024); // the client went long before the server was done
  });

  it("takes a reverse proxy's 5xx or 429 page, no refusal of the gateway's, for a gateway not answering sign-ins: LINK_DOWN, not a refused account", async () => {
    const proxyPage = async (status: number) =>
      gatewayThat((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'failure to get a peer from the ring-balancer' }));
      });
    for (const status of [502, 503, 504, 429])
      await expect(signInAtGateway(await proxyPage(status), FIELDS)).rejects.toMatchObject({
        code: ErrorCode.LINK_DOWN,
        message: expect.stringContaining(`HTTP ${status}`),
      });
    // A 4xx page still says no to this sign-in, and the gateway's own refusal keeps its code.
    await expect(signInAtGateway(await proxyPage(403), FIELDS)).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
    const failing = await gatewayThat((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: ErrorCode.INTERNAL, message: 'the gateway could not answer: its log says why' }));
    });
    await expect(signInAtGateway(failing, FIELDS)).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
  });
});

describe('sign-in held back by the gateway', () => {
  it('carries the wait the gateway asks for', async () => {
    const gateway = await startTestGateway();
    try {
      const user = testUserId('Observer');
      // Wrong guesses past the free ones: the account is held back.
      while ((await signInAt(gateway.url, user, 'not the password', 'observer')).status !== 429);
      const refusal = await signInAtGateway(gateway.url, { user, password: TEST_PASSWORD, role: 'observer' }).catch((err: unknown) => err);
      expect(refusal).toBeInstanceOf(SignInRefused);
      expect(refusal).toMatchObject({ code: ErrorCode.SIGN_IN_THROTTLED, retryAfterS: expect.any(Number) });
      expect((refusal as SignInRefused).retryAfterS).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });
});
