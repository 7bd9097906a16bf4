import { randomBytes, timingSafeEqual } from 'node:crypto';

interface Issued {
  userId: string;
  sessionId: string;
  /** The session that presented this secret in its hello, once one did. */
  consumedBy: string | null;
}

/** `retried`: used by a session still connected that has not answered its welcome; taken again, as `ok` is (`ResumeSecrets`). */
export type ResumeCheck = 'unknown' | 'ok' | 'retried' | 'replayed';

/**
 * Most secrets remembered. Those of sessions still connected are always kept (there are at most
 * link-limits.ts `maxSockets` of them); past this many, those of sessions that ended longest ago
 * are forgotten and count as unknown. A peer that says hello in a loop then pushes out only the
 * secrets of other ended sessions, never that of a session still open, and only after thousands
 * of its own: a control holder whose link was lost is back, or has lost control, long before.
 */
const MAX_REMEMBERED = 10_000;

/**
 * Per-session resume secrets (handed out in the welcome, presented in the next hello after a
 * link loss). A display name is public (every snapshot lists it); the secret is not, so taking
 * back control needs the same signed-in user and this secret. A secret presented by another user,
 * or a second time while the session that first presented it is still connected and has been
 * heard from since its welcome, is a replay. Until it is heard from, its welcome may have been
 * lost on the way, and the hello presenting the secret again is its client trying again.
 */
export class ResumeSecrets {
  private readonly issued = new Map<string, Issued>();
  /** Secrets of sessions that have ended, in the order they ended: the first to be forgotten. */
  private readonly ended = new Set<string>();

  constructor(
    /** The session, while it is connected: whether it has sent something since its welcome (sessions.ts `answered`). */
    private readonly connected: (sessionId: string) => { answered?: boolean } | undefined,
    private readonly maxRemembered = MAX_REMEMBERED,
  ) {}

  issue(userId: string, sessionId: string): string {
    const secret = randomBytes(24).toString('base64url');
    this.issued.set(secret, { userId, sessionId, consumedBy: null });
    this.forgetOldest();
    return secret;
  }

  /** The session this secret was issued to has ended: its secret may now be forgotten, oldest first. */
  sessionEnded(secret: string): void {
    if (this.issued.has(secret)) this.ended.add(secret);
    this.forgetOldest();
  }

  private forgetOldest(): void {
    for (const secret of this.ended) {
      if (this.issued.size <= this.maxRemembered) return;
      this.ended.delete(secret);
      this.issued.delete(secret);
    }
  }

  check(secret: string, userId: string): ResumeCheck {
    const entry = this.issued.get(secret);
    if (!entry) return 'unknown';
    if (entry.userId !== userId) return 'replayed';
    const consumer = entry.consumedBy === null ? undefined : this.connected(entry.consumedBy);
    if (!consumer) return 'ok';
    return consumer.answered ? 'replayed' : 'retried';
  }

  consume(secret: string, bySessionId: string): void {
    const entry = this.issued.get(secret);
    if (entry) entry.consumedBy = bySessionId;
  }
}

/**
 * Whether `secret` resumes `session`: it is the session's own; or, while the session has not been
 * heard from since its welcome, the one its hello used, which is all its client has if that
 * welcome was lost on the way.
 */
export function resumes(session: { resumeSecret?: string | null; resumedWith?: string | null; answered?: boolean }, secret: string | undefined): boolean {
  return sameSecret(session.resumeSecret, secret) || (!session.answered && sameSecret(session.resumedWith, secret));
}

/** Constant-time equality of two secrets (either may be missing). */
function sameSecret(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
