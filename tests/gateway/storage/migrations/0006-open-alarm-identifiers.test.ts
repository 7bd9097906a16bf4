import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../base/node/sqlite-migrate.js';
import { GATEWAY_MIGRATIONS } from '../../../../gateway/storage/migrations/index.js';
import { OpenAlarmStore } from '../../../../gateway/storage/open-alarm-store.js';

describe('gateway migration 0006: the identifiers in an open alarm', () => {
  it('keeps an alarm written before, with none, and raises it as before', () => {
    const db = new Database(':memory:');
    migrate(db, GATEWAY_MIGRATIONS.slice(0, 5));
    const alarm = { kind: 'help-call', detail: 'by Olivia (onsite)', by: 'Olivia' };
    db.prepare('INSERT INTO open_alarm (at, text, alarm) VALUES (?, ?, ?)').run(
      '2026-12-05T08:00:00.000Z',
      'HELP CALLED by Olivia (onsite)',
      JSON.stringify(alarm),
    );
    migrate(db, GATEWAY_MIGRATIONS);
    expect(db.pragma('user_version', { simple: true })).toBe(GATEWAY_MIGRATIONS.at(-1)!.version);
    expect(new OpenAlarmStore(db).all()).toEqual([{ id: 1, at: '2026-12-05T08:00:00.000Z', text: 'HELP CALLED by Olivia (onsite)', alarm, identifiers: [] }]);
    db.close();
  });

  it('raises an alarm whose identifiers do not read as a list, without them', () => {
    const db = new Database(':memory:');
    migrate(db, GATEWAY_MIGRATIONS);
    const store = new OpenAlarmStore(db);
    store.add({ at: '2026-12-05T08:00:00.000Z', text: 'HELP CALLED', alarm: { kind: 'help-call', detail: 'by Olivia (onsite)' }, identifiers: ['PID-0001'] });
    db.prepare("UPDATE open_alarm SET identifiers = 'not json'").run();
    expect(store.all().map((a) => [a.text, a.identifiers])).toEqual([['HELP CALLED', []]]);
    db.close();
  });
});
