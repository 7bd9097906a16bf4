import type Database from 'better-sqlite3';
import { z } from 'zod';
import { MAX_NOTICE_HISTORY, NoticeAlarm } from '../../protocol/index.js';

const Identifiers = z.array(z.string());

/** An alarm no one had seen when it was written down. */
export interface OpenAlarm {
  /** When it was raised (ISO 8601). */
  at: string;
  /** The notice's text. */
  text: string;
  alarm: NoticeAlarm;
  /**
   * The patient identifiers its words contain (gateway/server/observer-phi.ts `identifiersIn`):
   * withheld from observers when it is raised again, whichever exam is open then.
   */
  identifiers: string[];
}

/**
 * The emergency stops and calls for help no one has seen yet (migration 0005), on disk as they
 * are raised: the notice history that brings them to whoever connects lives in memory and counts
 * within one boot, so without this a gateway killed and started again would forget a call for
 * help that no remote technologist had seen. At most as many as a notice history holds, emergency
 * stops kept longest.
 */
export class OpenAlarmStore {
  private readonly insert: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly selectAll: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO open_alarm (at, text, alarm, identifiers) VALUES (?, ?, ?, ?)');
    // Past the bound, calls for help go first, oldest first; emergency stops only once every
    // row left is one: a burst of calls must not push out a stop no one has seen.
    this.prune = db.prepare(
      `DELETE FROM open_alarm WHERE id IN (
         SELECT id FROM open_alarm ORDER BY json_extract(alarm, '$.kind') = 'emergency-stop', id
         LIMIT max(0, (SELECT COUNT(*) FROM open_alarm) - ?))`,
    );
    this.remove = db.prepare('DELETE FROM open_alarm WHERE id = ?');
    this.selectAll = db.prepare('SELECT id, at, text, alarm, identifiers FROM open_alarm ORDER BY id');
  }

  /** Writes one down; its id, to call `seen` with. */
  add(open: OpenAlarm): number {
    const id = Number(this.insert.run(open.at, open.text, JSON.stringify(open.alarm), JSON.stringify(open.identifiers)).lastInsertRowid);
    this.prune.run(MAX_NOTICE_HISTORY);
    return id;
  }

  /** Someone has seen it: it is no longer open. */
  seen(id: number): void {
    this.remove.run(id);
  }

  /**
   * Every alarm still open, oldest first, with its id: a starting gateway raises them again and
   * keeps these rows (their first time and words) until someone sees them. A row that does not
   * read as an alarm is dropped.
   */
  all(): (OpenAlarm & { id: number })[] {
    const rows = this.selectAll.all() as { id: number; at: string; text: string; alarm: string; identifiers: string }[];
    return rows.flatMap((r) => {
      const alarm = NoticeAlarm.safeParse(safeJson(r.alarm));
      // Identifiers that do not read as a list cannot keep the alarm from the staff: it goes without them.
      const identifiers = Identifiers.safeParse(safeJson(r.identifiers));
      if (alarm.success) return [{ id: r.id, at: r.at, text: r.text, alarm: alarm.data, identifiers: identifiers.success ? identifiers.data : [] }];
      this.remove.run(r.id);
      return [];
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
