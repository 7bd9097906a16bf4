import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { Activity } from '../core/activity.js';

/**
 * Headless recorder: every activity of the core as one JSON object per line in
 * DIR/events.jsonl. Each line is written with a synchronous write, so what was recorded before
 * an interrupt (or a kill) is on disk.
 */
export class EventRecorder {
  private readonly fd: number;
  private readonly onActivity = (a: Activity) => this.write(a);
  count = 0;

  constructor(private readonly core: WorkstationCore, readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(join(dir, 'events.jsonl'), 'a');
    core.on('activity', this.onActivity);
  }

  write(record: { type: string; at: string } & Record<string, unknown>): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.count++;
  }

  close(): void {
    this.core.off('activity', this.onActivity);
    closeSync(this.fd);
  }
}
