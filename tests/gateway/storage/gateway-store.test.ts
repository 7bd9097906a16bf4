import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayStore, OUTCOME_RETENTION } from '../../../gateway/storage/gateway-store.js';
import { verifyAuditChain } from '../../../gateway/audit/verify.js';
import { tempDir } from '../../helpers/temp-dir.js';

const record = (action: string) => ({ sessionId: 's1', actor: 'Remote Tech', role: 'operator', action, decision: 'done', code: null, detail: { n: 1 } });

describe('GatewayStore audit chain', () => {
  it('chains every appended row to the one before it', () => {
    const file = join(tempDir(), 'gateway', 'gateway.sqlite');
    const store = new GatewayStore(file);
    for (let i = 0; i < 5; i++) store.audit(record(`a${i}`));
    store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT prev_hash, hash FROM audit ORDER BY id').all() as { prev_hash: string; hash: string }[];
    expect(rows.slice(1).every((r, i) => r.prev_hash === rows[i]!.hash)).toBe(true);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 5 });
  });

  it('continues the chain after a restart on the same file', () => {
    const file = join(tempDir(), 'gateway.sqlite');
    const first = new GatewayStore(file);
    first.audit(record('before restart'));
    first.close();
    const second = new GatewayStore(file);
    second.audit(record('after restart'));
    second.close();
    expect(verifyAuditChain(new Database(file, { readonly: true }))).toMatchObject({ ok: true, rows: 2 });
  });

  it('does not fork the chain when another process appends to the same file', () => {
    const file = join(tempDir(), 'gateway.sqlite');
    const gateway = new GatewayStore(file);
    const adminCli = new GatewayStore(file);
    gateway.audit(record('gateway 1'));
    adminCli.audit(record('user add'));
    gateway.audit(record('gateway 2'));
    adminCli.audit(record('user disable'));
    gateway.close();
    adminCli.close();
    expect(verifyAuditChain(new Database(file, { readonly: true }))).toMatchObject({ ok: true, rows: 4 });
  });

  it('carries the user id and peer address it is given', () => {
    const store = new GatewayStore(join(tempDir(), 'gateway.sqlite'));
    store.audit({ ...record('hello'), userId: 'u-42', peer: '10.1.2.3' });
    store.audit(record('no identity yet'));
    const trail = store.auditTrail();
    expect(trail[0]).toMatchObject({ userId: 'u-42', peer: '10.1.2.3' });
    expect(trail[1]).toMatchObject({ userId: null, peer: null });
    store.close();
  });

  it('keeps its folder 0700 and its database, WAL and shared-memory files 0600', () => {
    const dir = join(tempDir(), 'gateway');
    const store = new GatewayStore(join(dir, 'gateway.sqlite'));
    store.audit(record('x'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of ['gateway.sqlite', 'gateway.sqlite-wal', 'gateway.sqlite-shm']) expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
    store.close();
  });
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ack = (id: string) => ({ type: 'ack' as const, id, outcome: 'rejected' as const, code: 'LARMOR_E_NOT_APPLIED', reason: 'test' });
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const outcomeCount = (file: string) => {
  const db = new Database(file, { readonly: true });
  const n = db.prepare('SELECT count(*) FROM command_outcome').pluck().get() as number;
  db.close();
  return n;
};

describe('GatewayStore command outcomes', () => {
  it('keeps them longer than any resend or lookup needs them, and no longer: pruned past the age', () => {
    let now = Date.parse('2026-12-01T08:00:00.000Z');
    const store = new GatewayStore(join(tempDir(), 'gateway.sqlite'), { now: () => now });
    expect(OUTCOME_RETENTION.maxAgeMs).toBeGreaterThan(OUTCOME_RETENTION.keepYoungerThanMs);
    store.rememberOutcomes([ack('old-1')], 'Tech', 'exam.open');
    now += OUTCOME_RETENTION.maxAgeMs - MINUTE;
    store.rememberOutcomes([ack('young-1')], 'Tech', 'exam.open');
    expect(store.pruneOutcomes()).toBe(0);
    now += 2 * MINUTE;
    expect(store.pruneOutcomes()).toBe(1);
    expect(store.outcomeOf('old-1')).toBeUndefined();
    expect(store.outcomeOf('young-1')).toMatchObject({ outcome: 'rejected' });
    store.close();
  });

  it('prunes as it writes, every so many rows, without being asked', () => {
    let now = Date.parse('2026-12-01T08:00:00.000Z');
    const file = join(tempDir(), 'gateway.sqlite');
    const store = new GatewayStore(file, { now: () => now });
    store.rememberOutcomes(ids('old', 50).map(ack), 'Tech', 'command.status');
    now += OUTCOME_RETENTION.maxAgeMs + DAY;
    for (let i = 0; i < 10; i++) store.rememberOutcomes(ids(`new-${i}`, 100).map(ack), 'Tech', 'command.status');
    expect(store.outcomeOf('old-0')).toBeUndefined();
    expect(outcomeCount(file)).toBe(1_000);
    store.close();
  });

  it('beyond the newest maxRows, prunes only outcomes older than a resend could need', () => {
    let now = Date.parse('2026-12-01T08:00:00.000Z');
    const file = join(tempDir(), 'gateway.sqlite');
    const store = new GatewayStore(file, { now: () => now, outcomeRetention: { maxRows: 100, keepYoungerThanMs: 60 * MINUTE } });
    store.rememberOutcomes(ids('a', 100).map(ack), 'Tech', 'command.status');
    now += 30 * MINUTE;
    store.rememberOutcomes(ids('b', 100).map(ack), 'Tech', 'command.status');
    // 200 rows, all younger than an hour: a resend of any of them must still find its outcome.
    expect(store.pruneOutcomes()).toBe(0);
    now += 31 * MINUTE;
    // The older hundred are past the hour and beyond the newest hundred.
    expect(store.pruneOutcomes()).toBe(100);
    expect(store.outcomeOf('a-0')).toBeUndefined();
    expect(store.outcomeOf('b-99')).toBeDefined();
    expect(outcomeCount(file)).toBe(100);
    store.close();
  });

  it('writes a message worth of outcomes and its audit row in one transaction: all or none', () => {
    const file = join(tempDir(), 'gateway.sqlite');
    const store = new GatewayStore(file);
    expect(() =>
      store.rememberOutcomes(ids('torn', 100).map(ack), 'Tech', 'command.status', () => {
        store.audit(record('command.status'));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(outcomeCount(file)).toBe(0);
    expect(store.auditTrail()).toEqual([]);
    store.rememberOutcomes(ids('whole', 100).map(ack), 'Tech', 'command.status', () => store.audit(record('command.status')));
    expect(outcomeCount(file)).toBe(100);
    expect(store.auditTrail()).toHaveLength(1);
    expect(verifyAuditChain(new Database(file, { readonly: true }))).toMatchObject({ ok: true, rows: 1 });
    store.close();
  });
});
