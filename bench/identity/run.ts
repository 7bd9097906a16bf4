/**
 * Identity benchmark, on loopback with real sockets and the production scrypt cost:
 *   sign-in (POST /auth/sign-in, scrypt verify, credential issued), then a WebSocket hello with
 *   that credential until its welcome. Reported: sign-in alone, hello to welcome alone, and the
 *   whole sign-in to first welcome (local account), p50/p95 over --runs.
 *
 *   npx tsx bench/identity/run.ts [--runs 50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Gateway } from '../../gateway/server/gateway.js';
import { CURRENT_SCRYPT, hashPassword } from '../../gateway/accounts/password-hash.js';
import { PROTOCOL_VERSION, type SignInResponse } from '../../protocol/index.js';
import { RawClient } from '../../tests/helpers/gateway.js';
import { signInAt } from '../../tests/helpers/accounts.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const RUNS = Number(values.runs);
const PASSWORD = 'bench password, production cost';

const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-identity-'));
// One account signs in --runs times: the bench times each sign-in and hello, not the gateway's
// rates of them per account (gateway/server/link-limits.ts), which it would otherwise reach.
const gateway = await Gateway.start({
  port: 0,
  dataFile: join(dir, 'gateway', 'gateway.sqlite'),
  linkLimits: { signInsPerSecond: 10_000, signInBurst: 10_000, sessionStartsPerSecond: 10_000, sessionStartBurst: 10_000 },
});
gateway.accounts.add({
  userId: 'bench.operator',
  displayName: 'Bench Operator',
  roles: ['operator', 'observer'],
  level: null,
  passwordHash: await hashPassword(PASSWORD),
});

const signIn: number[] = [];
const greet: number[] = [];
const total: number[] = [];
// One warm-up round (JIT, first SQLite page reads) not counted.
for (let i = -1; i < RUNS; i++) {
  const t0 = performance.now();
  const { status, body } = await signInAt(gateway.url, 'bench.operator', PASSWORD, 'observer');
  if (status !== 200) throw new Error(`sign-in refused: ${JSON.stringify(body)}`);
  const t1 = performance.now();
  const client = await RawClient.connect(gateway.url);
  client.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: { session: (body as SignInResponse).credential } });
  const answer = await client.next((m) => m.type === 'welcome' || m.type === 'refused');
  if (answer.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(answer)}`);
  const t2 = performance.now();
  client.close();
  if (i < 0) continue;
  signIn.push(t1 - t0);
  greet.push(t2 - t1);
  total.push(t2 - t0);
}

console.log(`identity bench: ${RUNS} runs, scrypt N=${CURRENT_SCRYPT.N} r=${CURRENT_SCRYPT.r} p=${CURRENT_SCRYPT.p}, loopback`);
printTable(
  ['step (ms)', 'p50', 'p95', 'max'],
  [
    ['sign-in (local account)', percentile(signIn, 50), percentile(signIn, 95), Math.max(...signIn)],
    ['hello -> welcome', percentile(greet, 50), percentile(greet, 95), Math.max(...greet)],
    ['sign-in -> first welcome', percentile(total, 50), percentile(total, 95), Math.max(...total)],
  ],
);
await gateway.close();
rmSync(dir, { recursive: true, force: true });
