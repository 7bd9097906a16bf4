import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditShipper, type AuditShipperOptions } from '../../../../gateway/audit/syslog/audit-shipper.js';
import { GatewayStore } from '../../../../gateway/storage/gateway-store.js';
import { makeTestCa } from '../../../helpers/rsyslog.js';
import { tempDir } from '../../../helpers/temp-dir.js';

/**
 * How a collector treats each connection, in order (the last one repeats):
 * - good: completes TLS and reads every RFC 5425 octet-counted message;
 * - stall: completes TLS, then reads nothing (a hung or overloaded repository) until `reset()`;
 * - nohs: accepts TCP and never answers the TLS ClientHello;
 * - tire: reads like `good` until it has read TIRES_AFTER_BYTES, then like `stall`: a repository
 *   that kept up, so the kernel grew its receive buffer (tcp_rmem autotuning), and then fell behind.
 */
type Step = 'good' | 'stall' | 'nohs' | 'tire';
// More than the shipper's default bound of unread bytes, so that some rows count as delivered.
const TIRES_AFTER_BYTES = 80 * 1024 * 1024;

/** A real TLS server on a free port acting as the site's audit repository. */
class Collector {
  /** Row ids in the order read, resends included (RFC 5424 SD-ID larmor@32473). */
  readonly ids: number[] = [];
  connections = 0;
  /** Bytes of syslog read, over every connection. */
  readBytes = 0;
  private readonly sockets = new Set<Socket>();
  private readonly stalled: Socket[] = [];

  readonly server: Server;
  port = 0;

  private constructor(plan: Step[], cert: Buffer, key: Buffer) {
    this.server = createServer((raw) => this.accept(raw, plan[Math.min(this.connections, plan.length - 1)]!, cert, key));
  }

  static async start(plan: Step[], tls: { cert: string; key: string }): Promise<Collector> {
    const collector = new Collector(plan, readFileSync(tls.cert), readFileSync(tls.key));
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    collector.port = (collector.server.address() as { port: number }).port;
    return collector;
  }

  private accept(raw: Socket, step: Step, cert: Buffer, key: Buffer): void {
    this.connections++;
    this.sockets.add(raw);
    raw.on('close', () => this.sockets.delete(raw));
    raw.on('error', () => {});
    if (step === 'nohs') {
      raw.pause();
      return;
    }
    const socket = new TLSSocket(raw, { isServer: true, cert, key });
    socket.on('error', () => {});
    const stall = () => {
      raw.pause();
      socket.pause();
      this.stalled.push(raw);
    };
    if (step === 'stall') {
      socket.once('secure', stall);
      return;
    }
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.readBytes += chunk.length;
      if (step === 'tire' && this.readBytes >= TIRES_AFTER_BYTES && !this.stalled.includes(raw)) stall();
      pending = Buffer.concat([pending, chunk]);
      // RFC 5425 4.3: MSG-LEN SP SYSLOG-MSG.
      for (;;) {
        const space = pending.indexOf(0x20);
        if (space < 0) break;
        const length = Number(pending.subarray(0, space).toString('ascii'));
        if (pending.length < space + 1 + length) break;
        const message = pending.subarray(space + 1, space + 1 + length).toString('utf8');
        pending = pending.subarray(space + 1 + length);
        this.ids.push(Number(/\[larmor@32473 id="(\d+)"/.exec(message)?.[1] ?? NaN));
      }
    });
    // Our side closes in return, as a repository does once it has read everything.
    socket.on('end', () => socket.end());
  }

  /** How many connections completed TLS and are now reading nothing. */
  get stalledCount(): number {
    return this.stalled.length;
  }

  /** The stalled repository restarts: its connections end with a TCP RST, unread bytes lost. */
  reset(): void {
    for (const raw of this.stalled.splice(0)) raw.resetAndDestroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A gateway database with a first row, a shipper to the collector (starting after that row), and a way to add rows. */
async function setup(plan: Step[], options: Partial<AuditShipperOptions> = {}) {
  const dir = tempDir();
  const tls = makeTestCa(dir);
  const collector = await Collector.start(plan, tls);
  cleanups.push(() => collector.stop());
  const databaseFile = join(dir, 'gateway.sqlite');
  const store = new GatewayStore(databaseFile);
  cleanups.push(() => store.close());
  store.audit({ sessionId: null, actor: 'bench', role: null, action: 'test', decision: 'row 0', code: null });
  const logs: string[] = [];
  const shipper = new AuditShipper({
    url: `tls://127.0.0.1:${collector.port}`,
    ca: readFileSync(tls.ca),
    databaseFile,
    cursorFile: `${databaseFile}.syslog-cursor`,
    origin: { hostname: 'gw.test', procId: '1', sourceId: 'larmor-gateway@gw.test', siteId: 'test site' },
    log: (line) => logs.push(line),
    reconnectMinMs: 50,
    ...options,
  });
  cleanups.push(() => shipper.close());
  store.onAudit(() => shipper.notify());
  const startId = shipper.deliveredId;
  const ids: number[] = [];
  const addRows = (n: number, padding = 200) => {
    for (let i = 0; i < n; i++) {
      store.audit({ sessionId: null, actor: 'bench', role: null, action: 'test', decision: `row ${ids.length + 1} ${'x'.repeat(padding)}`, code: null });
      ids.push(startId + ids.length + 1);
    }
  };
  const missing = () => {
    const got = new Set(collector.ids);
    return ids.filter((id) => !got.has(id));
  };
  return { collector, shipper, logs, startId, ids, addRows, missing };
}

describe('audit shipper links to a misbehaving audit repository (RFC 5425 TLS syslog)', () => {
  it('sends again the rows a repository that stopped reading never read, once it resets', async () => {
    const { collector, shipper, logs, startId, addRows, missing } = await setup(['stall', 'good']);
    await expect.poll(() => collector.stalledCount).toBe(1);
    addRows(300);
    // The kernel takes every byte (its buffers hold megabytes), the link stays up, and the
    // repository reads none of it: nothing may count as delivered, however long that lasts.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(shipper.deliveredId).toBe(startId);
    collector.reset();
    await expect.poll(missing, { timeout: 20_000 }).toEqual([]);
    expect(logs.some((line) => /link lost \(ECONNRESET\)/.test(line))).toBe(true);
  });

  it('gives up on a repository that accepts TCP but never completes the TLS handshake, and reconnects', async () => {
    const { collector, logs, addRows, missing } = await setup(['nohs', 'good'], { handshakeTimeoutMs: 200 });
    await expect.poll(() => collector.connections).toBeGreaterThanOrEqual(1);
    addRows(20);
    await expect.poll(missing, { timeout: 20_000 }).toEqual([]);
    expect(collector.connections).toBeGreaterThanOrEqual(2);
    expect(logs.some((line) => line.includes('cannot connect (handshake-timeout)'))).toBe(true);
  });

  it('drops a link on which the kernel takes nothing for the stall timeout, and resends on the next', async () => {
    const { collector, logs, addRows, missing } = await setup(['stall', 'good'], { stallTimeoutMs: 300 });
    await expect.poll(() => collector.stalledCount).toBe(1);
    // More than the loopback send and receive buffers hold, so writes back up in Node.
    addRows(30_000);
    await expect.poll(missing, { timeout: 60_000 }).toEqual([]);
    expect(logs.some((line) => line.includes('link lost (write-stalled)'))).toBe(true);
  }, 90_000);

  it('counts no row delivered that a repository which kept up, then stopped reading, never read', async () => {
    const { collector, shipper, logs, startId, addRows } = await setup(['tire'], { stallTimeoutMs: 1000 });
    // Rows of some 4 KB each, for as long as the kernel takes them: the bytes it then holds
    // unread (this host's send buffer, the repository's receive buffer grown while it kept up)
    // must be fewer than the shipper's default bound, or rows it never read count as delivered.
    while (!logs.some((line) => line.includes('link lost (write-stalled)'))) {
      addRows(200, 4000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(collector.readBytes).toBeGreaterThanOrEqual(TIRES_AFTER_BYTES);
    expect(shipper.deliveredId).toBeGreaterThan(startId);
    expect(shipper.deliveredId).toBeLessThanOrEqual(Math.max(...collector.ids));
  }, 120_000);

  it('counts a row delivered once the bound of unread bytes was accepted after it, and all of them after a clean close', async () => {
    const { collector, shipper, startId, ids, addRows, missing } = await setup(['good'], { unreadBytesBound: 20_000 });
    addRows(200);
    await expect.poll(missing).toEqual([]);
    // The rows in the last 20 kB may still be unread as far as the shipper can know.
    await expect.poll(() => shipper.deliveredId).toBeGreaterThan(startId);
    expect(shipper.deliveredId).toBeLessThan(ids.at(-1)!);
    await shipper.close();
    expect(shipper.deliveredId).toBe(ids.at(-1));
    expect(collector.connections).toBe(1);
  });
});
