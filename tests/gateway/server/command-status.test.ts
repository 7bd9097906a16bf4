import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MAX_STATUS_IDS, PROTOCOL_VERSION, type CommandStatusResultMessage, type ErrorMessage } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { OPEN_EXAM, RawClient, startTestGateway } from '../../helpers/gateway.js';
import { signedIn } from '../../helpers/accounts.js';
import { onsiteGrants, type OnsiteClient } from '../../helpers/onsite.js';
import { tempDir } from '../../helpers/temp-dir.js';

let gateway: Gateway;
const clients: RawClient[] = [];
const onsites: OnsiteClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const o of onsites.splice(0)) o.close();
  await gateway?.close();
});

async function operator(name = 'Status Tech'): Promise<RawClient> {
  const c = await RawClient.greeted(gateway.url, 'operator', name);
  clients.push(c);
  onsites.push(await onsiteGrants(gateway, name));
  return c;
}

async function status(c: RawClient, ids: string[]): Promise<CommandStatusResultMessage> {
  const from = c.messages.length;
  c.sendJson({ type: 'command.status', ids });
  return c.next<CommandStatusResultMessage>((m) => m.type === 'command.status.result', from);
}

const commandDecisions = () => gateway.store.auditTrail(10_000).filter((r) => r.action.startsWith('command ') && r.decision !== 'duplicate');

/** A test gateway on a data file of the test's own, to read its rows and its WAL. */
async function gatewayOnFile(): Promise<string> {
  const dataFile = join(tempDir(), 'gateway.sqlite');
  gateway = await startTestGateway({ dataFile });
  return dataFile;
}

function outcomeRows(dataFile: string, ids: string[]): number {
  const db = new Database(dataFile, { readonly: true });
  try {
    const one = db.prepare('SELECT count(*) FROM command_outcome WHERE id = ?').pluck();
    return ids.reduce((n, id) => n + (one.get(id) as number), 0);
  } finally {
    db.close();
  }
}

/**
 * Transactions committed in the WAL so far (https://www.sqlite.org/fileformat.html, "The WAL
 * file format"): frames after the 32-byte header whose salts match the header's, a commit being a
 * frame whose header gives the database size after it (non-zero). A checkpoint that restarts the
 * WAL would reset the count; these tests write far below the 1,000 pages that start one.
 */
function walCommits(dataFile: string): number {
  const wal = readFileSync(`${dataFile}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

const fresh = (prefix: string) => Array.from({ length: MAX_STATUS_IDS }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('command.status', () => {
  it('answers the stored outcome of known ids without applying anything again', async () => {
    gateway = await startTestGateway();
    const c = await operator();
    await c.command('status-done-1', OPEN_EXAM);
    await c.command('status-rejected-1', { name: 'sequence.queue', protocolId: 'no-such-protocol' });
    const before = { seq: gateway.events.lastSeq, decisions: commandDecisions().length };
    const answer = await status(c, ['status-done-1', 'status-rejected-1']);
    expect(answer.results).toEqual([
      { id: 'status-done-1', known: true, outcome: 'done', code: null, reason: null },
      expect.objectContaining({ id: 'status-rejected-1', known: true, outcome: 'rejected', code: ErrorCode.UNKNOWN_PROTOCOL }),
    ]);
    expect(gateway.events.lastSeq).toBe(before.seq); // the scanner did not move
    expect(commandDecisions()).toHaveLength(before.decisions);
    // An inquiry that sealed nothing changed nothing: not audited (rule 6 is about actions).
    expect(gateway.store.auditTrail().some((r) => r.action === 'command.status')).toBe(false);
  });

  it('says an id it never received is unknown, and never applies that command afterwards', async () => {
    gateway = await startTestGateway();
    const c = await operator();
    expect((await status(c, ['status-never-1'])).results).toEqual([{ id: 'status-never-1', known: false }]);
    // A copy of the command that was still on its way arrives late: it must not run.
    const late = await c.command('status-never-1', OPEN_EXAM);
    expect(late).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_APPLIED });
    expect(gateway.snapshot().exam).toBeNull();
    expect((await status(c, ['status-never-1'])).results[0]).toMatchObject({ known: true, outcome: 'rejected', code: ErrorCode.NOT_APPLIED });
  });

  it(`refuses more than ${MAX_STATUS_IDS} ids with a stable code, and the link stays up`, async () => {
    gateway = await startTestGateway();
    const c = await operator();
    const from = c.messages.length;
    c.sendJson({ type: 'command.status', ids: Array.from({ length: MAX_STATUS_IDS + 1 }, (_, i) => `status-many-${i}`) });
    expect(await c.next<ErrorMessage>((m) => m.type === 'error', from)).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect((await status(c, ['status-after-1'])).results).toHaveLength(1);
  });

  it('needs a hello first', async () => {
    gateway = await startTestGateway();
    const c = await RawClient.connect(gateway.url);
    clients.push(c);
    c.sendJson({ type: 'command.status', ids: ['status-early-1'] });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.HELLO_REQUIRED });
    c.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: await signedIn(gateway.url, 'Late', 'observer') });
    await c.next((m) => m.type === 'welcome');
  });

  it(`seals an operator's ${MAX_STATUS_IDS} unknown ids in one transaction, with the audit row that says so`, async () => {
    const dataFile = await gatewayOnFile();
    const c = await operator();
    const ids = fresh('status-seal');
    const commitsBefore = walCommits(dataFile);
    const answer = await status(c, ids);
    expect(answer.results).toEqual(ids.map((id) => ({ id, known: false })));
    expect(walCommits(dataFile) - commitsBefore).toBe(1);
    expect(outcomeRows(dataFile, ids)).toBe(MAX_STATUS_IDS);
    const sealed = gateway.store.auditTrail().filter((r) => r.action === 'command.status');
    expect(sealed).toEqual([expect.objectContaining({ decision: 'sealed', actor: 'Status Tech', detail: { ids } })]);
    // Sealed: the late copy of one of them is not applied.
    expect(await c.command(ids[7]!, OPEN_EXAM)).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_APPLIED });
    expect(gateway.snapshot().exam).toBeNull();
  });

  it('seals at most 500 ids at once for one session: past that, ids never received are left out and stay unsealed', async () => {
    const dataFile = await gatewayOnFile();
    const c = await operator();
    for (let round = 0; round < 5; round++) expect((await status(c, fresh(`status-burst-${round}`))).results).toHaveLength(MAX_STATUS_IDS);
    const over = fresh('status-over');
    const commitsBefore = walCommits(dataFile);
    expect(await status(c, [...over.slice(0, -1), 'status-burst-0-000'])).toMatchObject({
      results: [{ id: 'status-burst-0-000', known: true, outcome: 'rejected', code: ErrorCode.NOT_APPLIED }],
    });
    expect(walCommits(dataFile)).toBe(commitsBefore + 1); // the refusal's audit row, nothing sealed
    expect(outcomeRows(dataFile, over)).toBe(0);
    expect(gateway.store.auditTrail().filter((r) => r.action === 'command.status' && r.code === ErrorCode.RATE_LIMITED)).toHaveLength(1);
    // Not sealed: the command under one of those ids still runs.
    expect(await c.command(over[0]!, OPEN_EXAM)).toMatchObject({ outcome: 'done' });
  });

  it("writes nothing for an observer's lookup: stored outcomes are answered, ids never received are left out and not sealed", async () => {
    const dataFile = await gatewayOnFile();
    const op = await operator();
    await op.command('status-seen-1', OPEN_EXAM);
    const observer = await RawClient.greeted(gateway.url, 'observer', 'Status Watcher');
    clients.push(observer);
    const ids = ['status-seen-1', ...fresh('status-watch').slice(1)];
    const commitsBefore = walCommits(dataFile);
    const answer = await status(observer, ids);
    expect(answer.results).toEqual([{ id: 'status-seen-1', known: true, outcome: 'done', code: null, reason: null }]);
    expect(walCommits(dataFile)).toBe(commitsBefore);
    expect(outcomeRows(dataFile, ids.slice(1))).toBe(0);
    expect(gateway.store.auditTrail().some((r) => r.action === 'command.status')).toBe(false);
    // Not sealed: an operator's command under one of those ids still runs.
    expect(await op.command(ids[1]!, { name: 'exam.close' })).toMatchObject({ outcome: 'done' });
  });

  it("stores no outcome for an observer's command, refused for its role, and refuses its resend the same", async () => {
    const dataFile = await gatewayOnFile();
    const observer = await RawClient.greeted(gateway.url, 'observer', 'Status Watcher');
    clients.push(observer);
    expect(await observer.command('status-observer-1', OPEN_EXAM)).toMatchObject({ outcome: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
    expect(await observer.command('status-observer-1', OPEN_EXAM)).toMatchObject({ outcome: 'rejected', code: ErrorCode.ROLE_FORBIDDEN });
    expect(outcomeRows(dataFile, ['status-observer-1'])).toBe(0);
    expect(gateway.snapshot().exam).toBeNull();
  });
});

describe('commands over the rate', () => {
  it('are refused LARMOR_E_RATE_LIMITED, neither run nor stored, audited as one row; a stored one is still answered, and a refused id runs when sent again in time', async () => {
    const dataFile = await gatewayOnFile();
    const op = await operator();
    expect(await op.command('rate-open', OPEN_EXAM)).toMatchObject({ outcome: 'done' });
    const ids = Array.from({ length: 100 }, (_, i) => `rate-queue-${String(i).padStart(3, '0')}`);
    const from = op.messages.length;
    for (const id of ids) op.sendJson({ type: 'command', id, command: { name: 'sequence.queue', protocolId: 'localizer' } });
    await op.next(() => op.messages.slice(from).filter((m) => m.type === 'ack').length === ids.length);
    const acks = op.messages.slice(from).filter((m) => m.type === 'ack');
    const limited = acks.filter((a) => a.code === ErrorCode.RATE_LIMITED).map((a) => a.id);
    // 60 at once (the first command took one), and perhaps one more as the bucket refills.
    expect(acks.length - limited.length).toBeGreaterThanOrEqual(59);
    expect(acks.length - limited.length).toBeLessThanOrEqual(62);
    expect(gateway.snapshot().queue).toHaveLength(acks.length - limited.length);
    expect(outcomeRows(dataFile, limited)).toBe(0);
    expect(gateway.store.auditTrail(10_000).filter((r) => r.code === ErrorCode.RATE_LIMITED)).toHaveLength(1);
    // A stored outcome is answered over the rate too: a resend never hears a different answer.
    expect(await op.command(ids[0]!, { name: 'sequence.queue', protocolId: 'localizer' })).toMatchObject({ outcome: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the bucket refills: 20 a second
    expect(await op.command(limited[0]!, { name: 'sequence.queue', protocolId: 'localizer' })).toMatchObject({ outcome: 'done' });
  });
});
