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
  /** Welcomes still to be lost on the way (`loseNextWelcome`), each with whether its link answers. */
  private readonly welcomesToLose: { answered: boolean }[] = [];
  /** The gateway ends of links whose welcome was lost, kept open until `endHalfOpen` or `close`. */
  private readonly halfOpen = new Set<{ socket: WebSocket; pings: NodeJS.Timeout | undefined }>();

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

  /**
   * The next welcome the gateway sends is lost on the way: the client's end of that link is cut
   * before it arrives, while the gateway's end stays open, as a link whose far half died in the
   * handshake. Silent, the gateway finds it dead at its heartbeat deadline. `answered`: it pings,
   * as if the client had the welcome and only the link back were lost; the gateway sees it alive
   * and answering (gateway/auth/resume-secrets.ts).
   */
  loseNextWelcome({ answered = false }: { answered?: boolean } = {}): void {
    this.welcomesToLose.push({ answered });
  }

  /** The gateway ends of links whose welcome was lost are closed at last, as the gateway would find them dead. */
  endHalfOpen(): void {
    for (const { socket, pings } of this.halfOpen) {
      clearInterval(pings);
      socket.terminate();
    }
    this.halfOpen.clear();
  }

  async close(): Promise<void> {
    this.endHalfOpen();
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
    let lostWelcome = false;
    gateway.on('message', (data: Buffer, binary) => {
      if (lostWelcome) return;
      if (!binary && this.welcomesToLose.length > 0 && data.subarray(0, 32).toString().startsWith('{"type":"welcome"')) {
        const { answered } = this.welcomesToLose.shift()!;
        lostWelcome = true;
        const ping = () => gateway.send(JSON.stringify({ type: 'ping', t: 0 }));
        // Answered at once, before the client's next hello can be: then every 100 ms.
        if (answered) ping();
        const pings = answered ? setInterval(ping, 100) : undefined;
        this.halfOpen.add({ socket: gateway, pings });
        client.terminate();
        return;
      }
      if (this.seen.length < 500) this.seen.push({ data: Buffer.from(data), binary });
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    const end = () => {
      this.clients.delete(client);
      client.terminate();
      if (!lostWelcome) gateway.terminate();
    };
    for (const ws of [client, gateway]) {
      ws.on('close', end);
      ws.on('error', end);
    }
  }
}
