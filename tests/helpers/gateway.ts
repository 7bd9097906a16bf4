import { join } from 'node:path';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import {
  ImageChunkAssembler,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type AckMessage,
  type CollabAction,
  type GatewayMessage,
  type ImageFetchResultMessage,
  type Role,
} from '../../protocol/index.js';
import { Gateway, type GatewayOptions } from '../../gateway/server/gateway.js';
import { tempDirForFile } from './temp-dir.js';
import { TEST_SCRYPT, addCommonTestAccounts, registerTestGateway, testCredential } from './accounts.js';

/**
 * A real gateway on an ephemeral port with its own SQLite file, and accounts for the people tests
 * usually connect as (tests/helpers/accounts.ts; more are added on demand by RawClient.greeted).
 */
/**
 * How long a client may take to be connected, welcomed or checked in, or a page to show what
 * it was sent: a budget against a busy machine (two cores running two test files, each with a
 * gateway and Chromium pages), never a speed requirement. Every wait of the end-to-end tests
 * uses it: single page steps took over 30 s on a loaded CI machine, and a desk tile's sign-in
 * over 15 s.
 */
export const SETTLE_BUDGET_MS = 60_000;

export async function startTestGateway(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const dir = tempDirForFile('larmor-gw-');
  const gateway = await Gateway.start({ port: 0, dataFile: join(dir, 'gateway.sqlite'), timeScale: 1, scrypt: TEST_SCRYPT, ...options });
  registerTestGateway(gateway);
  await addCommonTestAccounts(gateway);
  return gateway;
}

/**
 * Prints the gateway's record of the links when one was lost, cut or silent. A link lost on the
 * way (a page stalled on a loaded machine) fails later steps far from its cause: this says which
 * page went, and how. For an e2e file's afterAll.
 */
export function printLinkAuditIfLost(gateway: Gateway | undefined): void {
  const links = gateway?.store.auditTrail().filter((r) => /^(hello|disconnect|heartbeat|link|onsite presence|onsite console)$/.test(r.action)) ?? [];
  if (links.some((r) => r.decision === 'lost' || r.decision === 'cut' || r.decision === 'silent'))
    for (const r of links) console.log(`[gateway audit] ${r.at} ${r.role} ${r.actor}: ${r.action} ${r.decision} ${r.code ?? ''} ${JSON.stringify(r.detail)}`);
}

/** The gateway's HTTP origin (`http://127.0.0.1:PORT`), for its sign-in routes, the onsite page and /healthz. */
export function httpOriginOf(gateway: Gateway): string {
  return gateway.url.replace(/^ws/, 'http').replace(/\/$/, '');
}

/** Anything a test opens on its gateway: a client, an onsite console. */
interface Closable {
  close(): unknown;
}

/**
 * The gateways a test starts and what it opens on them, closed after each test of the file or
 * `describe` that made the fixture: everything else first, in the order opened, then the
 * gateways; a `tempDir` goes after that, when the test is finished. Made at the top of a file or
 * `describe`, where a hook can be registered.
 */
export interface GatewayFixture {
  /** The gateway the test started last and has not stopped; a test that started none fails here. */
  readonly gateway: Gateway;
  /** A test gateway (`startTestGateway`), closed after the test. */
  start(options?: Partial<GatewayOptions>): Promise<Gateway>;
  /** A gateway started another way (`Gateway.start`, an SSO scene), closed after the test as those `start` made. */
  adopt(gateway: Gateway): Gateway;
  /** A client signed in and greeted by the current gateway (`RawClient.greeted`), closed after the test. */
  client(role?: Role, name?: string, options?: HelloOptions): Promise<RawClient>;
  /** A client connected to the current gateway that has said nothing yet, closed after the test. */
  connect(protocol?: string): Promise<RawClient>;
  /** Anything else the test opened, closed after the test before the gateways: by its `close()`, or by `close` where given. */
  closes<T extends Closable>(thing: T): T;
  closes<T>(thing: T, close: (thing: T) => unknown): T;
  /** Closes now what the test opened so far, as after the test: for a restart on the same data file. */
  stop(): Promise<void>;
}

/** Registers its `afterEach`: called at the top of a test file or `describe`, not inside a test or hook. */
export function useGatewayFixture(): GatewayFixture {
  const gateways: Gateway[] = [];
  const closers: (() => unknown)[] = [];
  const stop = async () => {
    // Every one is closed even when one fails, and none is left for the next test to close.
    const failures: unknown[] = [];
    for (const close of [...closers.splice(0), ...gateways.splice(0).map((g) => () => g.close())]) {
      try {
        await close();
      } catch (e) {
        failures.push(e);
      }
    }
    if (failures.length > 0) throw failures[0];
  };
  afterEach(stop);
  const fixture: GatewayFixture = {
    get gateway(): Gateway {
      const gateway = gateways.at(-1);
      if (!gateway) throw new Error('no gateway started in this test');
      return gateway;
    },
    async start(options = {}) {
      return fixture.adopt(await startTestGateway(options));
    },
    adopt(gateway) {
      gateways.push(gateway);
      return gateway;
    },
    async client(role = 'operator', name = 'Test Tech', options = {}) {
      return fixture.closes(await RawClient.greeted(fixture.gateway.url, role, name, options));
    },
    async connect(protocol) {
      return fixture.closes(await RawClient.connect(fixture.gateway.url, protocol));
    },
    closes<T>(thing: T, close = (t: T) => (t as Closable).close()) {
      closers.push(() => close(thing));
      return thing;
    },
    stop,
  };
  return fixture;
}

/** A raw protocol client: sends frames, collects every message, waits for a matching one. */
export class RawClient {
  readonly messages: GatewayMessage[] = [];
  /** Image frames as received, an image sent in parts put back together (protocol/image-frame.ts). */
  readonly images: Buffer[] = [];
  private readonly parts = new ImageChunkAssembler();
  private waiters: { match: (m: GatewayMessage) => boolean; resolve: (m: GatewayMessage) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = this.parts.add(data);
        if (frame) this.images.push(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
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

  /**
   * Signed in as `name` (an account of that display name, created on a test gateway when
   * missing), then greeted in `role` with that session credential. `resumeSecret`: the secret of
   * an earlier welcome, as a client reconnecting after a link loss presents it.
   */
  static async greeted(url: string, role: Role = 'operator', name = 'Test Tech', options: HelloOptions = {}): Promise<RawClient> {
    const client = await RawClient.saidHello(url, role, name, options);
    const answer = await client.next((m) => m.type === 'welcome' || m.type === 'refused');
    if (answer.type === 'refused') throw new Error(`hello of ${name} as ${role} refused: ${answer.code} ${answer.reason}`);
    return client;
  }

  /** As `greeted`, but without waiting for the gateway's answer: for a test of the refusal. */
  static async saidHello(url: string, role: Role, name: string, options: HelloOptions = {}): Promise<RawClient> {
    const session = await testCredential(url, name, role);
    const client = await RawClient.connect(url);
    client.sendJson({
      type: 'hello',
      version: PROTOCOL_VERSION,
      role,
      credentials: { session, ...(options.token ? { token: options.token } : {}) },
      ...(options.resumeSecret ? { resumeSecret: options.resumeSecret } : {}),
      ...(options.resumeFrom !== undefined ? { resumeFrom: options.resumeFrom, resumeBootId: options.resumeBootId } : {}),
    });
    return client;
  }

  /** The resume secret of this client's welcome (for a later hello after a link loss). */
  get resumeSecret(): string | undefined {
    const welcome = this.messages.find((m) => m.type === 'welcome');
    return welcome?.type === 'welcome' ? welcome.resumeSecret : undefined;
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

  /** An image.fetch under `id`; its answer (the images follow as binary frames). */
  async imageFetch(id: string, request: unknown): Promise<ImageFetchResultMessage> {
    const from = this.messages.length;
    this.sendJson({ type: 'image.fetch', id, request });
    return this.next<ImageFetchResultMessage>((m) => m.type === 'image.fetch.result' && m.id === id, from);
  }

  /** A collaboration action (chat, marks, proposals) under a fresh id; its ack. */
  async collab(action: CollabAction): Promise<AckMessage> {
    const id = `collab-${process.pid}-${++collabIds}`;
    const from = this.messages.length;
    this.sendJson({ type: 'collab', id, action });
    return this.next<AckMessage>((m) => m.type === 'ack' && m.id === id, from);
  }

  close(): void {
    this.ws.close();
  }
}

let collabIds = 0;

/** What a hello may carry beyond the credential: a resume of an earlier link, the site token. */
interface HelloOptions {
  resumeSecret?: string;
  /** The last `seq` seen, in boot `resumeBootId`: the gateway replays what came after. */
  resumeFrom?: number;
  resumeBootId?: string;
  token?: string;
}

export const PATIENT = { name: 'DOE^JANE', id: 'PID-0001', birthDate: '19800101', sex: 'F' as const, weightKg: 70 };
export const OPEN_EXAM = { name: 'exam.open' as const, patient: PATIENT, description: 'MRI BRAIN', accessionNumber: 'ACC1' };
