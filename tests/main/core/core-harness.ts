import type { Activity } from '../../../main/core/activity.js';
import type { HealthTransition } from '../../../main/core/link-supervisor.js';
import type { WorkstationCore } from '../../../main/core/workstation-core.js';

/** Every activity of a core, kept for assertions, with a way to wait for the next match. */
export class ActivityLog {
  readonly all: Activity[] = [];
  private waiters: { match: (a: Activity) => boolean; resolve: (a: Activity) => void }[] = [];

  constructor(core: WorkstationCore) {
    core.on('activity', (a) => {
      this.all.push(a);
      this.waiters = this.waiters.filter((w) => (w.match(a) ? (w.resolve(a), false) : true));
    });
  }

  /** The first activity matching, at or after index `from` (past or future). */
  next<T extends Activity>(match: (a: Activity) => boolean, from = 0): Promise<T> {
    const seen = this.all.slice(from).find(match);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (a: Activity) => void }));
  }

  health(state: HealthTransition['state'], from = 0): Promise<HealthTransition> {
    return this.next<HealthTransition>((a) => a.type === 'health' && a.state === state, from);
  }

  get length(): number {
    return this.all.length;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
