import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { OPEN_EXAM, useGatewayFixture } from '../../helpers/gateway.js';
import { onsiteGrants } from '../../helpers/onsite.js';
import { tempDir } from '../../helpers/temp-dir.js';

const LARMOR = join(import.meta.dirname, '../../../bin/larmor.js');
const larmor = (...args: string[]) => spawnSync(process.execPath, [LARMOR, ...args], { encoding: 'utf8' });

const f = useGatewayFixture();

/** A data dir as `larmor gateway --data-dir DIR` leaves it, after an operator and an observer worked. */
async function dataDirWithTrail(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'larmor-audit-'));
  const gateway = await f.start({ dataFile: join(dir, 'gateway', 'gateway.sqlite') });
  const operator = await f.client('operator', 'Remote Tech');
  f.closes(await onsiteGrants(gateway, 'Remote Tech'));
  const observer = await f.client('observer', 'Student');
  expect(await observer.command('obs-00001', OPEN_EXAM)).toMatchObject({ code: ErrorCode.ROLE_FORBIDDEN });
  expect(await operator.command('op-00001', OPEN_EXAM)).toMatchObject({ outcome: 'done' });
  await f.stop();
  return dir;
}

describe('larmor audit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await dataDirWithTrail();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify exits 0 on the trail a gateway wrote', () => {
    const result = larmor('audit', 'verify', '--data-dir', dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/audit chain intact: \d+ rows/);
  });

  it('verify exits non-zero and names the first broken row of an edited copy', () => {
    const copy = tempDir();
    mkdirSync(join(copy, 'gateway'));
    copyFileSync(join(dir, 'gateway', 'gateway.sqlite'), join(copy, 'gateway', 'gateway.sqlite'));
    const db = new Database(join(copy, 'gateway', 'gateway.sqlite'));
    db.exec('DROP TRIGGER audit_append_only_update');
    db.prepare("UPDATE audit SET actor = 'Someone Else' WHERE id = 2").run();
    db.close();
    const result = larmor('audit', 'verify', '--data-dir', copy);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('LARMOR_E_AUDIT_CHAIN_BROKEN: first broken row 2');
  });

  it('verify exits non-zero and names a row when a byte of the file was flipped', () => {
    const copy = tempDir();
    mkdirSync(join(copy, 'gateway'));
    const bytes = readFileSync(join(dir, 'gateway', 'gateway.sqlite'));
    // An audit action: the text is in the audit table only (command outcomes store "exam.open").
    // Every copy is flipped: a page split leaves stale copies in free space, which are no data.
    let at = bytes.indexOf('command exam.open');
    expect(at).toBeGreaterThan(0);
    for (; at >= 0; at = bytes.indexOf('command exam.open', at + 1)) bytes[at] ^= 0x20; // "command" -> "Command"
    writeFileSync(join(copy, 'gateway', 'gateway.sqlite'), bytes);
    const result = larmor('audit', 'verify', '--data-dir', copy);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/LARMOR_E_AUDIT_CHAIN_BROKEN: first broken row \d+/);
  });

  it('verify says there is no database when the data dir has none', () => {
    const result = larmor('audit', 'verify', '--data-dir', tempDir());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('LARMOR_E_AUDIT_NOT_FOUND');
  });

  it('export --format jsonl writes one row per line with its chain links', () => {
    const result = larmor('audit', 'export', '--data-dir', dir, '--format', 'jsonl');
    expect(result.status).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => i + 1));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'command exam.open', decision: 'rejected', role: 'observer', actor: 'Student' }));
    expect(rows.every((r) => typeof r.hash === 'string' && typeof r.prevHash === 'string')).toBe(true);
  });

  it('export --format dicom writes DICOM audit messages: authentication, security alert, patient record', () => {
    const result = larmor('audit', 'export', '--data-dir', dir, '--format', 'dicom');
    expect(result.status).toBe(0);
    const messages = result.stdout.trim().split('\n');
    expect(messages.every((m) => m.startsWith('<AuditMessage>') && m.endsWith('</AuditMessage>'))).toBe(true);
    const login = messages.find((m) => m.includes('csd-code="110114"'));
    expect(login).toContain('csd-code="110122"');
    expect(login).toContain('UserID="remote.tech"');
    const alert = messages.find((m) => m.includes('csd-code="110113"') && m.includes('UserName="Student"'));
    expect(alert).toContain('EventOutcomeIndicator="4"');
    expect(alert).toContain('originalText="Observer"');
    const patient = messages.find((m) => m.includes('csd-code="110110"') && m.includes('EventOutcomeIndicator="0"'));
    expect(patient).toContain('EventActionCode="R"');
    expect(patient).toContain('ParticipantObjectID="PID-0001"');
  });

  it('export --since leaves out the rows before that time', () => {
    const all = larmor('audit', 'export', '--data-dir', dir, '--format', 'jsonl').stdout.trim().split('\n');
    const last = JSON.parse(all.at(-1)!) as { at: string };
    const since = larmor('audit', 'export', '--data-dir', dir, '--format', 'jsonl', '--since', last.at).stdout.trim().split('\n');
    expect(since.length).toBeLessThan(all.length);
    expect(since.at(-1)).toBe(all.at(-1));
    expect(larmor('audit', 'export', '--data-dir', dir, '--format', 'jsonl', '--since', '2999-01-01').stdout).toBe('');
  });

  it('export refuses an unknown format with a usage error', () => {
    const result = larmor('audit', 'export', '--data-dir', dir, '--format', 'xml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('LARMOR_E_AUDIT_INVALID_ARGUMENT');
  });
});
