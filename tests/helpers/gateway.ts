import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL, type GatewayMessage, type Role } from '../../protocol/index.js';
import { Gateway, type GatewayOptions } from '../../gateway/server/gateway.js';

/** A real gateway on an ephemeral port with its own SQLite file. */
export async function startTestGateway(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'larmor-gw-'));
  return Gateway.start({ port: 0, dataFile: join(dir, 'gateway.sqlite'), timeScale: 1, ...options });
}

/** A raw protocol client: sends frames, collects every message, waits for a matching one. */
export class RawClient {
  readonly messages: GatewayMessage[] = [];
  readonly binary: Buffer[] = [];
  private waiters: { match: (m: GatewayMessage) => boolean; resolve: (m: GatewayMessage) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.binary.push(data);
        return;
      }
      const message = JSON.parse(data.toString()) as GatewayMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(url: string, protocol: string = SUBPROTOCOL): Promise<RawClient> {
    const ws = new WebSocket(url, protocol);
    const client = new RawClient(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  static async greeted(url: string, role: Role = 'operator', name = 'Test Tech'): Promise<RawClient> {
    const client = await RawClient.connect(url);
    client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role, credentials: { name } });
    await client.next((m) => m.type === 'welcome');
    return client;
  }

  sendJson(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  /** The first message (already received or future) matching `match`, after `from`. */
  next<T extends GatewayMessage>(match: (m: GatewayMessage) => boolean, from = 0): Promise<T> {
    const seen = this.messages.slice(from).find(match);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (m: GatewayMessage) => void }));
  }

  async command(id: string, command: unknown): Promise<Extract<GatewayMessage, { type: 'ack' }>> {
    const from = this.messages.length;
    this.sendJson({ type: 'command', id, command });
    return this.next((m) => m.type === 'ack' && m.id === id, from);
  }

  close(): void {
    this.ws.close();
  }
}

export const PATIENT = { name: 'DOE^JANE', id: 'PID-0001', birthDate: '19800101', sex: 'F' as const, weightKg: 70 };
export const OPEN_EXAM = { name: 'exam.open' as const, patient: PATIENT, description: 'MRI BRAIN', accessionNumber: 'ACC1' };
