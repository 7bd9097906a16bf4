import { randomBytes, timingSafeEqual } from 'node:crypto';

interface Issued {
  userId: string;
  sessionId: string;
  /** The session that presented this secret in its hello, once one did. */
  consumedBy: string | null;
}

export type ResumeCheck = 'unknown' | 'ok' | 'replayed';

/** Most secrets remembered; older ones count as unknown (no control is reserved that long). */
const MAX_REMEMBERED = 10_000;

/**
 * Per-session resume secrets (handed out in the welcome, presented in the next hello after a
 * link loss). A display name is public (every snapshot lists it); the secret is not, so taking
 * back control needs the same signed-in user and this secret. A secret presented by another user,
 * or a second time while the session that first presented it is still connected, is a replay.
 */
export class ResumeSecrets {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly isConnected: (sessionId: string) => boolean) {}

  issue(userId: string, sessionId: string): string {
    const secret = randomBytes(24).toString('base64url');
    this.issued.set(secret, { userId, sessionId, consumedBy: null });
    if (this.issued.size > MAX_REMEMBERED) this.issued.delete(this.issued.keys().next().value!);
    return secret;
  }

  check(secret: string, userId: string): ResumeCheck {
    const entry = this.issued.get(secret);
    if (!entry) return 'unknown';
    if (entry.userId !== userId) return 'replayed';
    if (entry.consumedBy !== null && this.isConnected(entry.consumedBy)) return 'replayed';
    return 'ok';
  }

  consume(secret: string, bySessionId: string): void {
    const entry = this.issued.get(secret);
    if (entry) entry.consumedBy = bySessionId;
  }
}

/** Constant-time equality of two secrets (either may be missing). */
export function sameSecret(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
