import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors.js';
import { Journal, defaultJournalFile, type JournalWriteState } from '../../../main/journal/journal.js';
import { tempDir } from '../../helpers/temp-dir.js';

const STOP = { name: 'scan.stop' } as const;
const SITE = 'wss://site-a.example/';

describe('Journal', () => {
  it('opens in WAL mode with synchronous=FULL', () => {
    const file = join(tempDir(), 'j.sqlite');
    const journal = Journal.open(file);
    journal.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // synchronous is per connection: check the journal's own connection.
    const again = Journal.open(file) as unknown as { db: Database.Database };
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
  });

  it('keeps commands without an outcome in the outbox, oldest first, until settled', () => {
    const journal = Journal.open(join(tempDir(), 'j.sqlite'));
    journal.enqueue('cmd-aaaaaaaa', STOP, '2026-01-01T00:00:00Z', SITE);
    journal.enqueue('cmd-bbbbbbbb', { name: 'scan.pause' }, '2026-01-01T00:00:01Z', SITE);
    expect(journal.unsettled().map((e) => e.id)).toEqual(['cmd-aaaaaaaa', 'cmd-bbbbbbbb']);
    expect(journal.settle('cmd-aaaaaaaa', 'done', null, null, '2026-01-01T00:00:02Z', 'gateway')).toBe(true);
    expect(journal.unsettled().map((e) => e.id)).toEqual(['cmd-bbbbbbbb']);
    expect(journal.entry('cmd-aaaaaaaa')).toMatchObject({ outcome: 'done', settledBy: 'gateway' });
  });

  it('never rewrites a recorded outcome with a later duplicate ack', () => {
    const journal = Journal.open(join(tempDir(), 'j.sqlite'));
    journal.enqueue('cmd-aaaaaaaa', STOP, '2026-01-01T00:00:00Z', SITE);
    journal.settle('cmd-aaaaaaaa', 'done', null, null, 't1', 'gateway');
    expect(journal.settle('cmd-aaaaaaaa', 'rejected', ErrorCode.INTERNAL, 'late', 't2', 'gateway')).toBe(false);
    expect(journal.entry('cmd-aaaaaaaa')).toMatchObject({ outcome: 'done', code: null });
  });

  it('hands back unsettled commands of one site only, when asked by site', () => {
    const journal = Journal.open(join(tempDir(), 'j.sqlite'));
    journal.enqueue('cmd-aaaaaaaa', STOP, 't0', SITE);
    journal.enqueue('cmd-bbbbbbbb', STOP, 't1', 'wss://site-b.example/');
    expect(journal.unsettled(SITE).map((e) => e.id)).toEqual(['cmd-aaaaaaaa']);
    expect(journal.unsettled()).toHaveLength(2);
  });

  it('counts resends', () => {
    const journal = Journal.open(join(tempDir(), 'j.sqlite'));
    journal.enqueue('cmd-aaaaaaaa', STOP, 't0', SITE);
    journal.noteResend('cmd-aaaaaaaa');
    expect(journal.unsettled()[0].sends).toBe(2);
  });

  it('survives a reopen with everything recorded', () => {
    const file = join(tempDir(), 'j.sqlite');
    const journal = Journal.open(file);
    journal.enqueue('cmd-aaaaaaaa', STOP, 't0', SITE);
    const lost = { type: 'health', at: 't1', state: 'lost' };
    journal.record(lost);
    journal.close();
    const reopened = Journal.open(file);
    expect(reopened.unsettled()).toHaveLength(1);
    expect(reopened.activities('health')).toEqual([{ type: 'health', at: 't1', state: 'lost' }]);
    expect(reopened.integrityCheck()).toBe('ok');
  });

  it("commits a turn's activity rows together before the event loop turns, and before any outbox write", async () => {
    const file = join(tempDir(), 'j.sqlite');
    const journal = Journal.open(file);
    const reader = new Database(file, { readonly: true });
    const count = () => (reader.prepare('SELECT count(*) AS n FROM activity').get() as { n: number }).n;
    const notice = (at: string, n: number) => ({ type: 'notice', at, n });
    try {
      for (let i = 0; i < 3; i++) journal.record(notice('t0', i));
      expect(count()).toBe(0); // still this turn's batch
      await Promise.resolve();
      expect(count()).toBe(3);
      // A loop that never yields commits every 512 rows rather than holding them all.
      for (let i = 0; i < 1000; i++) journal.record(notice('t1', i));
      expect(count()).toBe(3 + 512);
      // An outbox write commits the open rows first: the file keeps the order things happened in.
      journal.enqueue('cmd-aaaaaaaa', STOP, 't2', SITE);
      expect(count()).toBe(1003);
      // Closing commits what is open; a record after that is refused to its caller, with a code.
      journal.record(notice('t3', 0));
      journal.close();
      expect(count()).toBe(1004);
      expect(() => journal.record(notice('t4', 0))).toThrow(expect.objectContaining({ code: ErrorCode.JOURNAL_FAILED }));
    } finally {
      reader.close();
      journal.close();
    }
  });

  it('keeps the newest activity rows within its bound, pruning as it writes and when opened, and never the outbox', async () => {
    const file = join(tempDir(), 'j.sqlite');
    const journal = Journal.open(file, { maxActivityRows: 100 });
    const health = (at: string) => ({ type: 'health', at, state: 'healthy' });
    journal.enqueue('cmd-aaaaaaaa', STOP, 't0', SITE);
    for (let turn = 0; turn < 25; turn++) {
      for (let i = 0; i < 10; i++) journal.record(health(`t${turn * 10 + i}`));
      await Promise.resolve();
    }
    const kept = journal.activities('health').map((a) => a.at);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThanOrEqual(110); // pruned every tenth of the bound
    expect(kept.at(-1)).toBe('t249');
    journal.close();
    const smaller = Journal.open(file, { maxActivityRows: 20 });
    expect(smaller.activities('health').map((a) => a.at)).toEqual(Array.from({ length: 20 }, (_, i) => `t${230 + i}`));
    expect(smaller.unsettled().map((e) => e.id)).toEqual(['cmd-aaaaaaaa']);
    smaller.close();
  });

  it('drops a batch it cannot write (a full disk), tells its listeners once, and again when writes work', async () => {
    const journal = Journal.open(join(tempDir(), 'j.sqlite'));
    // The file may grow to 256 KiB: a write past it fails as on a full disk (sqlite.org/pragma.html#pragma_max_page_count).
    const db = (journal as unknown as { db: Database.Database }).db;
    db.pragma(`max_page_count = ${(256 * 1024) / (db.pragma('page_size', { simple: true }) as number)}`);
    const told: JournalWriteState[] = [];
    journal.onWriteState((change) => told.push(change));
    const big = (n: number) => ({ type: 'notice', at: `big${n}`, text: 'x'.repeat(512 * 1024) });
    try {
      journal.record({ type: 'health', at: 't0' });
      await Promise.resolve();
      // The commit runs in a microtask: had it thrown there, nothing could catch it and the process would end.
      journal.record(big(1));
      await Promise.resolve();
      journal.record(big(2));
      journal.record(big(3));
      await Promise.resolve();
      expect(told).toEqual([{ state: 'failing', code: ErrorCode.JOURNAL_FAILED, message: expect.stringContaining('full'), lostRows: 1 }]);
      // An outbox write that fails is thrown to its caller as well.
      expect(() => journal.enqueue('cmd-big', { name: 'scan.stop', reason: 'x'.repeat(512 * 1024) } as never, 't1', SITE)).toThrow(
        expect.objectContaining({ code: ErrorCode.JOURNAL_FAILED }),
      );
      journal.record({ type: 'health', at: 't2' });
      await Promise.resolve();
      expect(told).toEqual([expect.objectContaining({ state: 'failing' }), { state: 'writing', lostRows: 3 }]);
      expect(journal.activities().map((a) => a.at)).toEqual(['t0', 't2']);
      expect(journal.integrityCheck()).toBe('ok');
    } finally {
      journal.close();
    }
  });

  it('refuses a file that is not a database with a stable code', () => {
    const file = join(tempDir(), 'j.sqlite');
    writeFileSync(file, 'this is not sqlite, just text that is long enough to have a header '.repeat(20));
    expect(() => Journal.open(file)).toThrow(expect.objectContaining({ code: ErrorCode.JOURNAL_CORRUPT }));
  });

  it('lives in LARMOR_DATA_DIR when set, else under ~/.larmor/workstation', () => {
    expect(defaultJournalFile({ LARMOR_DATA_DIR: '/data/x' })).toBe('/data/x/journal.sqlite');
    expect(defaultJournalFile({})).toMatch(/\.larmor\/workstation\/journal\.sqlite$/);
  });
});
