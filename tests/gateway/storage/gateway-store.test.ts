import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayStore } from '../../../gateway/storage/gateway-store.js';
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
