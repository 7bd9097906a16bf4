import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { SUBPROTOCOL } from '../../protocol/index.js';

/** A frame as sent on a WebSocket. */
export interface RelayFrame {
  data: Buffer | string | Uint8Array;
  binary: boolean;
}

/**
 * A WebSocket relay to a real gateway at `upstream`, for the tests of a gateway that misbehaves:
 * each client gets its own link to the gateway and everything passes both ways; `inject` sends
 * every client a frame of the test's, as if the gateway had sent it. It keeps the first 500
 * frames the gateway sent (`seen`), to mutate from.
 */
export class InjectingRelay {
  readonly seen: { data: Buffer; binary: boolean }[] = [];
  private readonly clients = new Set<WebSocket>();

  private constructor(private readonly server: WebSocketServer) {}

  static async start(upstream: string): Promise<InjectingRelay> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => SUBPROTOCOL });
    await new Promise((resolve) => server.once('listening', resolve));
    const relay = new InjectingRelay(server);
    server.on('connection', (client) => relay.accept(client, upstream));
    return relay;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  inject(frame: RelayFrame): void {
    for (const client of this.clients) if (client.readyState === WebSocket.OPEN) client.send(frame.data, { binary: frame.binary });
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: WebSocket, upstream: string): void {
    const gateway = new WebSocket(upstream, SUBPROTOCOL);
    const early: { data: RawData; binary: boolean }[] = [];
    this.clients.add(client);
    gateway.on('open', () => {
      for (const { data, binary } of early.splice(0)) gateway.send(data, { binary });
    });
    client.on('message', (data, binary) => (gateway.readyState === WebSocket.OPEN ? gateway.send(data, { binary }) : early.push({ data, binary })));
    gateway.on('message', (data: Buffer, binary) => {
      if (this.seen.length < 500) this.seen.push({ data: Buffer.from(data), binary });
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    const end = () => {
      this.clients.delete(client);
      client.terminate();
      gateway.terminate();
    };
    for (const ws of [client, gateway]) {
      ws.on('close', end);
      ws.on('error', end);
    }
  }
}
