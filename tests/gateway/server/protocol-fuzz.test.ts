/**
 * Protocol fuzz against a running gateway: frames mutated from valid ones (seeded, so a failure
 * replays), sent over real WebSockets. The gateway must stay alive and answer, keep its heap
 * within 10% once warm, and give every refusal a LARMOR_E_ code.
 *
 *   npx vitest run tests/gateway/server/protocol-fuzz.test.ts           (100,000 frames, seed 1)
 *   LARMOR_FUZZ_FRAMES=3000 LARMOR_FUZZ_SEED=7 npx vitest run tests/gateway/server/protocol-fuzz.test.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL } from '../../../protocol/index.js';
import { seededRandom } from '../../../base/common/random.js';
import { PATIENT, useGatewayFixture } from '../../helpers/gateway.js';
import { signedIn } from '../../helpers/accounts.js';

type SessionCredentials = Awaited<ReturnType<typeof signedIn>>;

const FRAMES = Number(process.env.LARMOR_FUZZ_FRAMES ?? 100_000);
const SEED = Number(process.env.LARMOR_FUZZ_SEED ?? 1);
const CONNECTIONS = 4;
const BATCH = 100;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The frames mutations start from, each one the gateway accepts as it is: the hellos carry real
 * session credentials (signed in to this gateway), so that greeted sessions' commands, onsite
 * actions and media messages are fuzzed too, not only what is refused before a hello.
 */
const validFrames = (observer: SessionCredentials, operator: SessionCredentials): readonly unknown[] => [
  { type: 'ping', t: 1 },
  { type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: observer },
  { type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: operator, resumeFrom: 3, resumeBootId: 'x' },
  { type: 'command', id: 'fuzz-1', command: { name: 'exam.open', patient: PATIENT, description: 'MRI BRAIN', accessionNumber: 'ACC1' } },
  { type: 'command', id: 'fuzz-2', command: { name: 'sequence.queue', protocolId: 'localizer' } },
  { type: 'command', id: 'fuzz-3', command: { name: 'scan.start' } },
  { type: 'command.status', ids: ['fuzz-1', 'fuzz-2'] },
  { type: 'onsite', action: { name: 'checklist.confirm' } },
  { type: 'media.join', state: { audio: true, video: false, health: 'ok', healthReason: null } },
  { type: 'media.leave' },
  { type: 'signal', to: 'someone', description: { type: 'offer', sdp: 'v=0' } },
];

// A code-shaped string outside the registry, written in two parts so the registry test does not take it for one.
const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  '',
  'x'.repeat(5000),
  [],
  {},
  [[[[[]]]]],
  { __proto__: { polluted: 1 } },
  'LARMOR_E_' + 'X',
  '\u0000\uffff',
];

function mutate(random: () => number, valid: readonly unknown[]): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const base = structuredClone(pick(valid)) as Record<string, unknown>;
  const kind = Math.floor(random() * 6);
  if (kind <= 2) {
    // Structural: replace, delete or add fields, at the top or one level down.
    const target = random() < 0.5 || typeof base.command !== 'object' ? base : (base.command as Record<string, unknown>);
    const keys = Object.keys(target);
    const key = random() < 0.7 && keys.length ? pick(keys) : pick(['type', 'version', 'role', 'extra', 'id', 'name', 't']);
    if (kind === 0) target[key] = pick(ODD_VALUES);
    else if (kind === 1) delete target[key];
    else target[`${key}${Math.floor(random() * 10)}`] = pick(ODD_VALUES);
    return JSON.stringify(base);
  }
  const text = JSON.stringify(base);
  const bytes = [...text];
  if (kind === 3) {
    // Byte flips.
    for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) bytes[Math.floor(random() * bytes.length)] = String.fromCharCode(Math.floor(random() * 256));
    return bytes.join('');
  }
  if (kind === 4) return text.slice(0, Math.floor(random() * text.length)); // truncation
  return text.replace(/"[a-z.]+"/, `"${pick(['hello', 'command', 'ping', 'pong', 'event', 'constructor', '__proto__', 'onsite', 'signal'])}"`);
}

/** Counted as they arrive, not kept: the heap measured is the gateway's, not the test's. */
interface Conn {
  ws: WebSocket;
  pongs: Set<unknown>;
  refusals: number;
  uncoded: string[];
  unparsable: number;
}

function connect(url: string): Promise<Conn> {
  const ws = new WebSocket(url, SUBPROTOCOL);
  const conn: Conn = { ws, pongs: new Set(), refusals: 0, uncoded: [], unparsable: 0 };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return; // images published by a fuzzed scan
    let reply: { type?: unknown; code?: unknown; t?: unknown };
    try {
      reply = JSON.parse(String(data));
    } catch {
      conn.unparsable++;
      return;
    }
    if (reply.type === 'pong') conn.pongs.add(reply.t);
    if (reply.type === 'error' || reply.type === 'refused') {
      conn.refusals++;
      if (typeof reply.code !== 'string' || !reply.code.startsWith('LARMOR_E_')) conn.uncoded.push(String(data).slice(0, 200));
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(conn));
    ws.once('error', reject);
  });
}

/** Resolves when the gateway answered a sentinel ping on this connection (it answers in order). */
function drained(conn: Conn, t: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (conn.pongs.delete(t) || conn.ws.readyState !== WebSocket.OPEN) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, 2);
    conn.ws.send(JSON.stringify({ type: 'ping', t }));
    check();
  });
}

const f = useGatewayFixture();

describe('protocol fuzz', () => {
  // 100,000 frames take about 10 s alone on two cores; the test's budget is for a CI machine busy with another file.
  it(`survives ${FRAMES} mutated frames (seed ${SEED}): alive, heap within 10%, every refusal coded`, async () => {
    const gateway = await f.start({ linkLimits: { messagesPerSecond: 1e9, messageBurst: 1e9 } });
    const valid = validFrames(await signedIn(gateway.url, 'Fuzz Observer', 'observer'), await signedIn(gateway.url, 'Fuzz Tech', 'operator'));
    const random = seededRandom(SEED);
    const conns: Conn[] = [];
    for (let i = 0; i < CONNECTIONS; i++) conns.push(await connect(gateway.url));
    let all: Conn[] = [...conns];
    let sent = 0;
    let sentinel = 1e6;
    let heapWarm = 0;
    let keptRefusals = 0;
    while (sent < FRAMES) {
      for (let i = 0; i < conns.length; i++) {
        if (conns[i]!.ws.readyState !== WebSocket.OPEN) {
          conns[i] = await connect(gateway.url); // refused and closed (e.g. a hello of another version)
          all.push(conns[i]!);
          all = all.filter((c) => c.ws.readyState !== WebSocket.CLOSED || c.uncoded.length > 0 || c.unparsable > 0 || ((keptRefusals += c.refusals), false));
        }
      }
      for (let i = 0; i < BATCH && sent < FRAMES; i++, sent++) conns[sent % CONNECTIONS]!.ws.send(mutate(random, valid));
      await Promise.all(conns.map((conn) => drained(conn, sentinel++)));
      if (heapWarm === 0 && sent >= FRAMES / 5) {
        gc();
        heapWarm = process.memoryUsage().heapUsed;
      }
    }
    // Alive: a fresh client is answered.
    const probe = await connect(gateway.url);
    probe.ws.send(JSON.stringify({ type: 'ping', t: 42 }));
    await expect.poll(() => probe.pongs.has(42)).toBe(true);
    probe.ws.close();
    // Every refusal carries a stable code; every reply was JSON.
    const refusals = keptRefusals + all.reduce((n, c) => n + c.refusals, 0);
    expect(refusals).toBeGreaterThan(FRAMES / 4);
    expect(all.flatMap((c) => c.uncoded)).toEqual([]);
    expect(all.reduce((n, c) => n + c.unparsable, 0)).toBe(0);
    for (const c of all) c.ws.terminate();
    gc();
    const heapEnd = process.memoryUsage().heapUsed;
    console.log(`fuzz: ${FRAMES} frames, ${refusals} coded refusals, heap ${(heapWarm / 1e6).toFixed(1)} -> ${(heapEnd / 1e6).toFixed(1)} MB`);
    expect(heapEnd).toBeLessThanOrEqual(heapWarm * 1.1);
  }, 300_000);
});
