/**
 * One log line per burst of images from a DICOM peer, not one per image: the first image from a
 * calling AE title is logged at once, the ones that follow within `windowMs` as one line with a
 * count. A scanner sends a series as hundreds of objects; a line each cost the gateway a
 * synchronous write per image. Refusals are logged elsewhere, one by one.
 */
export class IngestLog {
  private readonly bursts = new Map<string, { count: number; last: string; timer: NodeJS.Timeout }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly windowMs = 5000,
  ) {}

  forwarded(callingAeTitle: string, what: string): void {
    const burst = this.bursts.get(callingAeTitle);
    if (burst) {
      burst.count++;
      burst.last = what;
      return;
    }
    this.log(`C-STORE from ${callingAeTitle}: ${what}`);
    const timer = setTimeout(() => this.close(callingAeTitle), this.windowMs);
    timer.unref();
    this.bursts.set(callingAeTitle, { count: 0, last: what, timer });
  }

  /** Write every pending count now (at shutdown). */
  flush(): void {
    for (const ae of [...this.bursts.keys()]) this.close(ae);
  }

  private close(callingAeTitle: string): void {
    const burst = this.bursts.get(callingAeTitle);
    if (!burst) return;
    clearTimeout(burst.timer);
    this.bursts.delete(callingAeTitle);
    if (burst.count > 0) this.log(`C-STORE from ${callingAeTitle}: ${burst.count} more within ${this.windowMs / 1000} s, the last ${burst.last}`);
  }
}
