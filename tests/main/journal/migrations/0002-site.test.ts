import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { up as init } from '../../../../main/journal/migrations/0001-init.js';
import { up } from '../../../../main/journal/migrations/0002-site.js';
import { Journal } from '../../../../main/journal/journal.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('journal migration 0002-site', () => {
  it('adds the site to activity and outbox rows, keeping the rows written before it (site NULL)', () => {
    const db = new Database(':memory:');
    init(db);
    db.prepare("INSERT INTO activity (at, type, record) VALUES ('t', 'health', '{}')").run();
    up(db);
    expect(db.prepare('SELECT site FROM activity').get()).toEqual({ site: null });
    db.prepare("INSERT INTO outbox (id, name, command, target, queued_at, site) VALUES ('a', 'scan.stop', '{}', 'ws://x/', 't', 'mr-2')").run();
    expect(db.prepare('SELECT site FROM outbox').get()).toEqual({ site: 'mr-2' });
  });

  it('lets each desk core write its own site into one journal file', () => {
    const journal = Journal.open(join(tempDir(), 'journal.sqlite'));
    const one = { type: 'notice', at: 't1', text: 'one' };
    const two = { type: 'notice', at: 't2', text: 'two' };
    const none = { type: 'notice', at: 't3', text: 'no site' };
    journal.forSite('mr-1').record(one);
    journal.forSite('mr-2').record(two);
    journal.record(none);
    expect(journal.activitiesOfSite('mr-2')).toEqual([two]);
    expect(journal.activities('notice')).toHaveLength(3);
    journal.close();
  });
});
