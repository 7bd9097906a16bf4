/**
 * Reports that come in floods, folded: one written per kind and window, with a count. Above all
 * audit rows for refusals: a peer repeating what was refused (a WebSocket client over its
 * message rate, a DICOM peer sending a series of another patient) costs one row per kind and
 * window, not one fsync per refusal. The WebSocket links (server/link-limits.ts) and the DICOM
 * receiver (images/index.ts) fold their refusals here; the DICOM port's log lines and the exam
 * image store's notices of images dropped (server/exam-images-desk.ts) fold the same way.
 */
export interface FoldedRow {
  key: string;
  code: string;
  /** Reports folded into this row (1 for the first of a window). */
  count: number;
  firstAt: string;
  lastAt: string;
  reason: string;
  /** What the report is about beyond its reason (the Origin of an upgrade, say), from the last one. */
  detail?: Record<string, unknown>;
}

interface OpenWindow {
  row: FoldedRow;
  timer: NodeJS.Timeout;
}

/**
 * The first report of a kind (key + code) is written at once; the ones that follow within the
 * window are counted and written as one row when the window ends, when the key ends (a session
 * that closed: end()), or on flush(). What is held is one window per kind still open: ending a
 * key with its connection bounds that by the peers connected, not by how fast peers reconnect;
 * and keys that end with nothing (calling AE titles, addresses: a peer may make up new ones as
 * fast as it connects) are bounded by `maxKeys`, the longest-open key written first to make room.
 */
export class FoldedRepeats {
  /** Open windows by key, then by code. */
  private readonly open = new Map<string, Map<string, OpenWindow>>();

  constructor(
    private readonly windowMs: number,
    private readonly write: (row: FoldedRow) => void,
    private readonly maxKeys = 1024,
  ) {}

  /** One more of kind `key` + `code`: written now when it is the first of its window, else counted. */
  report(key: string, code: string, reason: string, now = new Date(), detail?: Record<string, unknown>): void {
    const at = now.toISOString();
    let codes = this.open.get(key);
    const entry = codes?.get(code);
    if (entry === undefined) {
      if (codes === undefined) {
        // Maps keep insertion order: the first key is the one open longest.
        if (this.open.size >= this.maxKeys) this.end(this.open.keys().next().value!);
        this.open.set(key, (codes = new Map()));
      }
      this.write({ key, code, count: 1, firstAt: at, lastAt: at, reason, ...(detail ? { detail } : {}) });
      const timer = setTimeout(() => this.close(key, code), this.windowMs);
      timer.unref();
      codes.set(code, { row: { key, code, count: 0, firstAt: at, lastAt: at, reason }, timer });
      return;
    }
    if (entry.row.count === 0) entry.row.firstAt = at;
    entry.row.count++;
    entry.row.lastAt = at;
    entry.row.reason = reason;
    if (detail) entry.row.detail = detail;
  }

  /** Write what is pending for `key` now and forget it: nothing more comes under it (its session closed). */
  end(key: string): void {
    for (const code of [...(this.open.get(key)?.keys() ?? [])]) this.close(key, code);
  }

  /** Write every pending count now (at shutdown). */
  flush(): void {
    for (const key of [...this.open.keys()]) this.end(key);
  }

  private close(key: string, code: string): void {
    const codes = this.open.get(key);
    const entry = codes?.get(code);
    if (codes === undefined || entry === undefined) return;
    clearTimeout(entry.timer);
    codes.delete(code);
    if (codes.size === 0) this.open.delete(key);
    if (entry.row.count > 0) this.write(entry.row);
  }
}
