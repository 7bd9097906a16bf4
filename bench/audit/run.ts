/**
 * Audit trail benchmark:
 *   1. `audit verify` over --rows audit rows (default 1,000,000), in process and as the CLI,
 *      against references measured in the same run over the same rows: reading them from SQLite
 *      without hashing, and plain SHA-256 over the same canonical bytes (one stream, and one
 *      hash per row as the chain does);
 *   2. the cost of one chained append (GatewayStore.audit, synchronous=FULL) against the plain
 *      INSERT it replaced, on the same disk.
 *
 *   npx tsx bench/audit/run.ts [--rows 1000000] [--appends 2000]
 * The CLI row needs `npm run build` first.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENESIS_HASH, canonicalRow, rowHash, type ChainedRow } from '../../gateway/audit/chain.js';
import { verifyAuditChain } from '../../gateway/audit/verify.js';
import { GatewayStore } from '../../gateway/storage/gateway-store.js';
import { ErrorCode } from '../../protocol/index.js';
import * as m0001 from '../../gateway/storage/migrations/0001-init.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, appends: { type: 'string', default: '2000' } } });
const ROWS = Number(values.rows);
const APPENDS = Number(values.appends);
const dir = mkdtempSync(join(tmpdir(), 'larmor-bench-audit-'));

/** A row like the relay writes: a refused command with its id, command and reason. */
function sampleRow(id: number): ChainedRow {
  const at = new Date(Date.UTC(2026, 0, 1) + id * 250).toISOString();
  const detail = JSON.stringify({
    id: `cmd-${id.toString(36).padStart(8, '0')}`,
    command: { name: 'scan.pause' },
    reason: 'only the control holder may command the scanner',
  });
  return [
    id,
    at,
    `session-${id % 97}`,
    `Tech ${id % 13}`,
    'operator',
    'command scan.pause',
    'rejected',
    ErrorCode.NOT_CONTROL_HOLDER,
    detail,
    `user-${id % 13}`,
    `10.0.0.${id % 250}`,
  ];
}

/** Fills a gateway database with ROWS chained rows in one transaction (the store would fsync each). */
function fill(file: string): void {
  const store = new GatewayStore(file); // creates the schema and the triggers
  store.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    'INSERT INTO audit (id, at, session_id, actor, role, action, decision, code, detail, user_id, peer, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    let prev = GENESIS_HASH;
    for (let id = 1; id <= ROWS; id++) {
      const row = sampleRow(id);
      const hash = rowHash(prev, row);
      insert.run(...row, prev, hash);
      prev = hash;
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function timed<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

function readOnly(file: string): Database.Database {
  return new Database(file, { readonly: true });
}

const dataDir = join(dir, 'data');
const file = join(dataDir, 'gateway', 'gateway.sqlite');
mkdirSync(join(dataDir, 'gateway'), { recursive: true });
try {
  console.log(`Larmor audit benchmark: ${ROWS.toLocaleString('en')} rows\n`);
  const fillTime = timed(() => fill(file));
  console.log(`filled in ${(fillTime.ms / 1000).toFixed(1)} s, database ${(statSync(file).size / 1e6).toFixed(0)} MB\n`);

  const rows: (string | number)[][] = [];
  const perRow = (ms: number) => (ms * 1e6) / ROWS / 1000; // microseconds per row
  const add = (name: string, ms: number, note = '') => rows.push([name, ms / 1000, perRow(ms), note]);

  // References first, over the very rows verify reads, so the page cache is equally warm.
  const read = timed(() => {
    const db = readOnly(file);
    let n = 0;
    for (const r of db
      .prepare('SELECT id, at, session_id, actor, role, action, decision, code, detail, user_id, peer, prev_hash, hash FROM audit ORDER BY id')
      .raw()
      .iterate() as IterableIterator<unknown[]>)
      n += (r[0] as number) > 0 ? 1 : 0;
    db.close();
    return n;
  });
  add('reference: read rows from SQLite, no hashing', read.ms);
  const canonical: string[] = [];
  for (let id = 1; id <= ROWS; id++) canonical.push(canonicalRow(sampleRow(id)));
  const stream = timed(() => {
    const h = createHash('sha256');
    for (const c of canonical) h.update(c);
    return h.digest('hex');
  });
  add(
    'reference: plain SHA-256, one stream over the same bytes',
    stream.ms,
    `${(canonical.reduce((n, c) => n + Buffer.byteLength(c), 0) / 1e6).toFixed(0)} MB`,
  );
  const each = timed(() => {
    let prev = GENESIS_HASH;
    for (const c of canonical) prev = createHash('sha256').update(prev).update('\n').update(c).digest('hex');
    return prev;
  });
  add('reference: SHA-256 per row (chain work, no SQLite)', each.ms);
  canonical.length = 0;

  const verify = timed(() => {
    const db = readOnly(file);
    const result = verifyAuditChain(db);
    db.close();
    return result;
  });
  if (!verify.value.ok) throw new Error(`verify failed on the bench database: ${JSON.stringify(verify.value)}`);
  add('verifyAuditChain (in process)', verify.ms, `${verify.value.rows} rows ok`);
  const cli = timed(() =>
    spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/larmor.js'), 'audit', 'verify', '--data-dir', dataDir], { encoding: 'utf8' }),
  );
  add('larmor audit verify (CLI, incl. node start)', cli.ms, cli.value.status === 0 ? 'exit 0' : `exit ${cli.value.status}: ${cli.value.stderr.trim()}`);
  printTable(['measure', 's', 'us/row', 'note'], rows);

  // Appends: chained store vs the plain INSERT of migration 0001, same disk, interleaved.
  const chained = new GatewayStore(join(dir, 'append-chained.sqlite'));
  const plainDb = new Database(join(dir, 'append-plain.sqlite'));
  plainDb.pragma('journal_mode = WAL');
  plainDb.pragma('synchronous = FULL');
  m0001.up(plainDb);
  const plainInsert = plainDb.prepare('INSERT INTO audit (at, session_id, actor, role, action, decision, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const chainedTimes: number[] = [];
  const plainTimes: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    const r = sampleRow(i + 1);
    let t = performance.now();
    plainInsert.run(new Date().toISOString(), r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
    plainTimes.push(performance.now() - t);
    t = performance.now();
    chained.audit({ sessionId: r[2], actor: r[3], role: r[4], action: r[5], decision: r[6], code: r[7], detail: JSON.parse(r[8]!), userId: r[9], peer: r[10] });
    chainedTimes.push(performance.now() - t);
  }
  chained.close();
  plainDb.close();
  console.log('');
  const line = (name: string, xs: number[]) => [name, String(xs.length), percentile(xs, 50), percentile(xs, 95), percentile(xs, 99), Math.max(...xs)];
  printTable(
    ['one audit append (synchronous=FULL)', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [line('plain INSERT (before the chain)', plainTimes), line('GatewayStore.audit (chained)', chainedTimes)],
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
