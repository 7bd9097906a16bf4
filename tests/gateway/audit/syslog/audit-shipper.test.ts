import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useGatewayFixture } from '../../../helpers/gateway.js';
import { Rsyslog, makeTestCa } from '../../../helpers/rsyslog.js';
import { freePort } from '../../../helpers/ports.js';
import { tempDir } from '../../../helpers/temp-dir.js';

let tls: ReturnType<typeof makeTestCa>;
let caDir: string;
beforeAll(() => {
  caDir = mkdtempSync(join(tmpdir(), 'larmor-audit-ca-'));
  tls = makeTestCa(caDir);
});
afterAll(() => rmSync(caDir, { recursive: true, force: true }));

const collectors: Rsyslog[] = [];
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.stop();
});
// Registered after the collectors' hook, so it runs first (after-hooks run last registered first): the gateway stops shipping before its collector goes.
const f = useGatewayFixture();

async function collector(dir: string, port: number, authMode?: 'x509/certvalid'): Promise<Rsyslog> {
  const rsyslog = await Rsyslog.start(dir, port, tls, authMode);
  collectors.push(rsyslog);
  return rsyslog;
}

/** Row ids in the order the repository received them (resends included). */
const receivedIds = (rsyslog: Rsyslog) => rsyslog.lines().map((line) => Number(/\[larmor@32473 id="(\d+)"/.exec(line)?.[1] ?? NaN));

function auditIds(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id FROM audit ORDER BY id').pluck().all() as number[];
  } finally {
    db.close();
  }
}

const row = (n: number) => ({ sessionId: null, actor: 'bench', role: null, action: 'test', decision: `row ${n}`, code: null });

describe('audit shipping to a real rsyslog over RFC 5425 TLS syslog', () => {
  it('delivers each audit row as an RFC 5424 message carrying its DICOM audit message', async () => {
    const dir = tempDir();
    const port = await freePort();
    const rsyslog = await collector(dir, port);
    await f.start({ dataFile: join(dir, 'gateway.sqlite'), auditSyslog: { url: `tls://127.0.0.1:${port}`, ca: readFileSync(tls.ca) } });
    const client = await f.client('operator', 'Remote Tech');
    client.close();
    const hello = () => rsyslog.lines().find((l) => l.includes('UserName="Remote Tech"') && l.includes('csd-code="110114"'));
    await expect.poll(hello).toBeTruthy();
    // RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG; PRI 85 = authpriv.notice.
    expect(hello()).toMatch(
      /^<85>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ larmor-gateway \d+ DICOM\+RFC3881 \[larmor@32473 id="\d+" hash="[0-9a-f]{64}"\] \uFEFF?<AuditMessage>.*<\/AuditMessage>$/,
    );
    expect(rsyslog.lines().some((l) => l.includes('csd-code="110100"') && l.includes('originalText="Application Start"'))).toBe(true);
  });

  it('loses no message while the collector is stopped and started again, and resends in order', async () => {
    const dir = tempDir();
    const port = await freePort();
    const rsyslog = await collector(dir, port);
    const dataFile = join(dir, 'gateway.sqlite');
    const gateway = await f.start({ dataFile, auditSyslog: { url: `tls://127.0.0.1:${port}`, ca: readFileSync(tls.ca) } });
    for (let n = 0; n < 30; n++) gateway.store.audit(row(n));
    await expect.poll(() => new Set(receivedIds(rsyslog)).size).toBe(auditIds(dataFile).length);

    // Mid-stream: rows keep coming while the collector stops, is down, and starts again.
    for (let n = 30; n < 40; n++) gateway.store.audit(row(n));
    await rsyslog.stop();
    for (let n = 40; n < 80; n++) gateway.store.audit(row(n));
    const again = await collector(dir, port);
    for (let n = 80; n < 100; n++) gateway.store.audit(row(n));

    const all = auditIds(dataFile);
    await expect.poll(() => new Set(receivedIds(again)).size, { timeout: 30_000 }).toBe(all.length);
    expect([...new Set(receivedIds(again))].sort((a, b) => a - b)).toEqual(all);
    // In order: every id after the first arrives after its predecessor's first arrival.
    const firstSeen = new Map<number, number>();
    receivedIds(again).forEach((id, i) => firstSeen.has(id) || firstSeen.set(id, i));
    expect(all.every((id, i) => i === 0 || firstSeen.get(id)! > firstSeen.get(all[i - 1]!)!)).toBe(true);
  });

  it('sends what was queued during an outage after a gateway restart too', async () => {
    const dir = tempDir();
    const port = await freePort();
    const dataFile = join(dir, 'gateway.sqlite');
    const rsyslog = await collector(dir, port);
    const options = { dataFile, auditSyslog: { url: `tls://127.0.0.1:${port}`, ca: readFileSync(tls.ca) } };
    const gateway = await f.start(options);
    gateway.store.audit(row(1));
    await expect.poll(() => new Set(receivedIds(rsyslog)).size).toBe(auditIds(dataFile).length);
    await rsyslog.stop();
    for (let n = 2; n < 20; n++) gateway.store.audit(row(n));
    await f.stop();
    await f.start(options);
    const again = await collector(dir, port);
    await expect.poll(() => new Set(receivedIds(again)).size, { timeout: 30_000 }).toBe(auditIds(dataFile).length);
  });

  it('refuses a collector whose certificate does not chain to the given CA, and queues meanwhile', async () => {
    const dir = tempDir();
    const port = await freePort();
    const other = makeTestCa(tempDir());
    const rsyslog = await collector(dir, port);
    const gateway = await f.start({ dataFile: join(dir, 'gateway.sqlite'), auditSyslog: { url: `tls://127.0.0.1:${port}`, ca: readFileSync(other.ca) } });
    gateway.store.audit(row(1));
    await new Promise((r) => setTimeout(r, 1000));
    expect(rsyslog.lines()).toEqual([]);
    expect(gateway.auditShipper!.deliveredId).toBe(0);
  });

  it('authenticates the gateway with its client certificate where the repository asks for one (ATNA node authentication)', async () => {
    const dir = tempDir();
    const port = await freePort();
    const rsyslog = await collector(dir, port, 'x509/certvalid');
    await f.start({
      dataFile: join(dir, 'gateway.sqlite'),
      auditSyslog: { url: `tls://127.0.0.1:${port}`, ca: readFileSync(tls.ca), cert: readFileSync(tls.clientCert), key: readFileSync(tls.clientKey) },
    });
    await expect.poll(() => rsyslog.lines().some((l) => l.includes('originalText="Application Start"'))).toBe(true);
  });

  it('delivers nothing to a repository that asks for a client certificate when none is given', async () => {
    const dir = tempDir();
    const port = await freePort();
    const rsyslog = await collector(dir, port, 'x509/certvalid');
    await f.start({ dataFile: join(dir, 'gateway.sqlite'), auditSyslog: { url: `tls://127.0.0.1:${port}`, ca: readFileSync(tls.ca) } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(rsyslog.lines()).toEqual([]);
  });
});
