/**
 * Audit rows for refusals that come in floods: a peer repeating what was refused (a WebSocket
 * client over its message rate, a DICOM peer sending a series of another patient) costs one
 * written row per kind and window, not one fsync per refusal. The WebSocket links
 * (server/link-limits.ts) and the DICOM receiver (images/index.ts) both fold their refusals here.
 */
export interface RefusalRow {
  key: string;
  code: string;
  /** Refusals folded into this row (1 for the first of a window). */
  count: number;
  firstAt: string;
  lastAt: string;
  reason: string;
}

/**
 * The first refusal of a kind (key + code) is written at once; the ones that follow within the
 * window are counted and written as one row when the window ends (or on flush()).
 */
export class RefusalAudit {
  private readonly open = new Map<string, { row: RefusalRow; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly windowMs: number,
    private readonly write: (row: RefusalRow) => void,
  ) {}

  refuse(key: string, code: string, reason: string, now = new Date()): void {
    const id = `${key}\u0000${code}`;
    const at = now.toISOString();
    const entry = this.open.get(id);
    if (entry === undefined) {
      this.write({ key, code, count: 1, firstAt: at, lastAt: at, reason });
      const fresh = { row: { key, code, count: 0, firstAt: at, lastAt: at, reason }, timer: null as NodeJS.Timeout | null };
      fresh.timer = setTimeout(() => this.close(id), this.windowMs);
      fresh.timer.unref();
      this.open.set(id, fresh);
      return;
    }
    if (entry.row.count === 0) entry.row.firstAt = at;
    entry.row.count++;
    entry.row.lastAt = at;
    entry.row.reason = reason;
  }

  /** Write every pending count now (at shutdown). */
  flush(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }

  private close(id: string): void {
    const entry = this.open.get(id);
    if (entry === undefined) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.open.delete(id);
    if (entry.row.count > 0) this.write(entry.row);
  }
}
