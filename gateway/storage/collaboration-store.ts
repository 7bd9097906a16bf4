import type Database from 'better-sqlite3';
import { CONTINGENCY_KINDS, type ChatEntry, type ContingencyKind, type ContingencyPlan, type Role } from '../../protocol/index.js';

/** Most chat entries a joining client is sent for one exam (the oldest beyond it stay on disk). */
const CHAT_HISTORY_LIMIT = 500;

/** The chat and contingency-plan tables of the gateway's SQLite file (migration 0004). */
export class CollaborationStore {
  private readonly insertChat: Database.Statement;
  private readonly selectChat: Database.Statement;
  private readonly selectChatNoStudy: Database.Statement;
  private readonly insertPlan: Database.Statement;
  private readonly selectPlans: Database.Statement;
  private readonly selectPlanVersion: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertChat = db.prepare('INSERT INTO chat (id, at, study_uid, from_name, from_role, text) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectChat = db.prepare(
      'SELECT * FROM (SELECT id, at, study_uid, from_name, from_role, text FROM chat WHERE study_uid = ? ORDER BY at DESC LIMIT ?) ORDER BY at',
    );
    this.selectChatNoStudy = db.prepare(
      'SELECT * FROM (SELECT id, at, study_uid, from_name, from_role, text FROM chat WHERE study_uid IS NULL ORDER BY at DESC LIMIT ?) ORDER BY at',
    );
    this.insertPlan = db.prepare('INSERT INTO contingency_plan (kind, version, at, by, text) VALUES (?, ?, ?, ?, ?)');
    this.selectPlans = db.prepare(
      'SELECT p.kind, p.version, p.at, p.by, p.text FROM contingency_plan p WHERE p.version = (SELECT MAX(version) FROM contingency_plan q WHERE q.kind = p.kind)',
    );
    this.selectPlanVersion = db.prepare('SELECT COALESCE(SUM(version), 0) AS v FROM (SELECT MAX(version) AS version FROM contingency_plan GROUP BY kind)');
  }

  addChat(entry: ChatEntry): void {
    this.insertChat.run(entry.id, entry.at, entry.studyUid, entry.from.name, entry.from.role, entry.text);
  }

  chatOf(studyUid: string | null, limit = CHAT_HISTORY_LIMIT): ChatEntry[] {
    const rows = (studyUid === null ? this.selectChatNoStudy.all(limit) : this.selectChat.all(studyUid, limit)) as Record<string, string>[];
    return rows.map((r) => ({ id: r.id!, at: r.at!, studyUid: r.study_uid ?? null, from: { name: r.from_name!, role: r.from_role as Role }, text: r.text! }));
  }

  /** The plan in force for every kind; a kind never written has version 0 and no text. */
  plans(): ContingencyPlan[] {
    const rows = new Map((this.selectPlans.all() as Record<string, string | number>[]).map((r) => [r.kind as ContingencyKind, r]));
    return CONTINGENCY_KINDS.map((kind) => {
      const r = rows.get(kind);
      return r
        ? { kind, text: r.text as string, version: r.version as number, updatedAt: r.at as string, updatedBy: r.by as string }
        : { kind, text: '', version: 0, updatedAt: null, updatedBy: null };
    });
  }

  /** Writes a new version of one plan; earlier versions stay (the record of what was in force when). */
  setPlan(kind: ContingencyKind, text: string, by: string): ContingencyPlan {
    return this.db.transaction(() => {
      const current = this.plans().find((p) => p.kind === kind)!;
      const version = current.version + 1;
      const at = new Date().toISOString();
      this.insertPlan.run(kind, version, at, by, text);
      return { kind, text, version, updatedAt: at, updatedBy: by };
    })();
  }

  /** Changes whenever any plan gets a new version: a cheap poll for edits made by another process. */
  plansVersion(): number {
    return (this.selectPlanVersion.get() as { v: number }).v;
  }
}
