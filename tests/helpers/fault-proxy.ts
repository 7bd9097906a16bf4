import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** Epoch ms with sub-ms precision, the clock the health transitions' `atMs` use. */
const epochNow = (): number => performance.timeOrigin + performance.now();

export interface LinkConditions {
  /** Fixed one-way delay added to every chunk, each direction. */
  delayMs?: number;
  /** Extra one-way delay, uniform in [0, jitterMs], per chunk, each direction. */
  jitterMs?: number;
  /**
   * Share of chunks "lost" (0..1). A TCP stream cannot lose bytes and stay intact; a lost
   * segment shows up as a retransmission delay, so a lost chunk is held `lossPenaltyMs` more.
   */
  loss?: number;
  lossPenaltyMs?: number;
  /** Uniform [0,1) source (seeded in tests and benchmarks). */
  random?: () => number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Black-holed: bytes are swallowed in both directions, no FIN, no RST. */
  dark: boolean;
}

/**
 * A TCP proxy between the workstation core and a gateway that injects faults: delay, jitter,
 * loss (as retransmission delay), a silent cut (black hole: packets vanish, no FIN), a clean
 * close (FIN) and a reset (RST). Order within a direction is always kept, as TCP does.
 */
export class FaultProxy {
  private readonly pairs = new Set<Pair>();
  private conditions: Required<LinkConditions> = { delayMs: 0, jitterMs: 0, loss: 0, lossPenaltyMs: 300, random: Math.random };
  /** New connections are accepted and then swallowed (a dead route: no answer, no refusal). */
  private dark = false;

  private constructor(
    private readonly server: Server,
    private targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1', port = 0): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, targetPort, targetHost);
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  get connections(): number {
    return this.pairs.size;
  }

  retarget(port: number): void {
    this.targetPort = port;
  }

  setConditions(conditions: LinkConditions): void {
    this.conditions = { ...this.conditions, ...conditions };
  }

  /** Silent cut: every current and future connection goes dark. Returns when it happened (epochNow). */
  blackhole(): number {
    this.dark = true;
    for (const pair of this.pairs) pair.dark = true;
    return epochNow();
  }

  /**
   * Cut seen by one side only: the workstation's side goes dark while the gateway's side is
   * reset (a middlebox that dropped the flow), so the gateway frees the session at once.
   */
  blackholeClientSide(): number {
    const at = epochNow();
    for (const pair of this.pairs) {
      pair.dark = true;
      pair.upstream.resetAndDestroy();
    }
    return at;
  }

  /** The route works again for new connections; dark connections are dropped without a word. */
  heal(): void {
    this.dark = false;
    for (const pair of [...this.pairs]) {
      if (!pair.dark) continue;
      this.pairs.delete(pair);
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }

  /** Clean close: FIN to both ends. */
  closeClean(): number {
    const at = epochNow();
    for (const pair of this.pairs) {
      pair.client.end();
      pair.upstream.end();
    }
    return at;
  }

  /** Reset: RST to both ends. */
  reset(): number {
    const at = epochNow();
    for (const pair of [...this.pairs]) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
      this.pairs.delete(pair);
    }
    return at;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.setNoDelay(true);
    const upstream = connect(this.targetPort, this.targetHost);
    upstream.setNoDelay(true);
    const pair: Pair = { client, upstream, dark: this.dark };
    this.pairs.add(pair);
    const forget = () => {
      this.pairs.delete(pair);
    };
    this.pipe(pair, client, upstream);
    this.pipe(pair, upstream, client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        if (pair.dark) return;
        forget();
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        if (pair.dark) return;
        forget();
        // Pass a close through as it came: FIN stays FIN (half-close), errors became destroy above.
        if (socket === client) upstream.end();
        else client.end();
      });
    }
  }

  private pipe(pair: Pair, from: Socket, to: Socket): void {
    let lastDelivery = 0;
    from.on('data', (chunk: Buffer) => {
      if (pair.dark) return;
      const c = this.conditions;
      let delay = c.delayMs + (c.jitterMs > 0 ? c.random() * c.jitterMs : 0);
      if (c.loss > 0 && c.random() < c.loss) delay += c.lossPenaltyMs;
      if (delay <= 0 && lastDelivery <= performance.now()) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      // In order, as TCP delivers: never before the previous chunk of this direction.
      const at = Math.max(performance.now() + delay, lastDelivery);
      lastDelivery = at;
      setTimeout(() => {
        if (!pair.dark && !to.destroyed && to.writable) to.write(chunk);
      }, at - performance.now());
    });
  }
}
