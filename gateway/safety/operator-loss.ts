import type { OnsiteStatus } from '../../protocol/index.js';

export interface LostOperator {
  name: string;
  since: Date;
  controlReturnsAt: Date;
}

/**
 * Safety rule 5: after the control holder's link is lost, control stays reserved for that
 * operator for the site's grace period (a reconnect with the same name takes it back), then
 * returns to onsite staff. One watch at a time: there is one control holder.
 */
export class OperatorLossWatch {
  private lost: LostOperator | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly onGraceExpired: (lost: LostOperator) => void) {}

  begin(name: string, graceS: number, now = new Date()): LostOperator {
    this.clear();
    const lost = { name, since: now, controlReturnsAt: new Date(now.getTime() + graceS * 1000) };
    this.lost = lost;
    this.timer = setTimeout(() => {
      this.lost = null;
      this.timer = null;
      this.onGraceExpired(lost);
    }, graceS * 1000);
    this.timer.unref();
    return lost;
  }

  /** True (and the watch ends) when `name` is the operator whose control is reserved. */
  reclaim(name: string): LostOperator | null {
    const lost = this.lost;
    if (!lost || lost.name !== name) return null;
    this.clear();
    return lost;
  }

  /** Ends the watch early (onsite granted or revoked control, emergency stop). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lost = null;
  }

  status(): OnsiteStatus['operatorLoss'] {
    return this.lost ? { name: this.lost.name, since: this.lost.since.toISOString(), controlReturnsAt: this.lost.controlReturnsAt.toISOString() } : null;
  }
}
