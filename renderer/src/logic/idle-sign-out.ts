/**
 * Idle sign-out, as the machine policy sets it (`idleSignOutMinutes`): a workstation nobody has
 * touched for that long signs out, so an unattended screen at home does not stay a way into a
 * scanner. Never while an acquisition runs: dropping the operator's link then would start the
 * operator-loss policy (finish, alert onsite) for no reason; the sign-out waits until it ends.
 */
export type IdleDecision = 'stay' | 'sign-out' | 'wait-for-acquisition';

export function idleDecision(input: { idleMinutes: number | null; lastActivityMs: number; nowMs: number; acquiring: boolean }): IdleDecision {
  if (input.idleMinutes === null) return 'stay';
  if (input.nowMs - input.lastActivityMs < input.idleMinutes * 60_000) return 'stay';
  return input.acquiring ? 'wait-for-acquisition' : 'sign-out';
}

export function idleSignOutWords(minutes: number): string {
  return `Signed out after ${minutes} minute${minutes === 1 ? '' : 's'} without activity (this computer's policy). Sign in again to continue.`;
}
