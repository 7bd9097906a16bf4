/**
 * The workstation's sign-in against gateways that misbehave: real HTTP servers on port 0 that
 * trickle their answer a byte at a time, or answer with far more than a session credential.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { signInAtGateway } from '../../../main/core/sign-in-client.js';

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
});
