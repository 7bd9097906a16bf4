import type { MediaMember, MediaState, Role } from '../../protocol/index.js';

/**
 * The site's one media room: who takes part in the call, in join order (the later of a pair
 * makes the offer), and what each publishes about its own media. Pure bookkeeping; the relay
 * (media-relay.ts) decides what to send and when.
 */
export class MediaRoom {
  private readonly members = new Map<string, MediaMember>();

  has(sessionId: string): boolean {
    return this.members.has(sessionId);
  }

  get size(): number {
    return this.members.size;
  }

  /** Members in `role`. */
  count(role: Role): number {
    let n = 0;
    for (const member of this.members.values()) if (member.role === role) n++;
    return n;
  }

  /** Joining again moves the member to the end: it makes fresh offers to everyone. */
  join(sessionId: string, role: Role, name: string, state: MediaState): void {
    this.members.delete(sessionId);
    this.members.set(sessionId, { sessionId, role, name, state });
  }

  leave(sessionId: string): boolean {
    return this.members.delete(sessionId);
  }

  /** Returns the previous state, or undefined when not a member. */
  update(sessionId: string, state: MediaState): MediaState | undefined {
    const member = this.members.get(sessionId);
    if (!member) return undefined;
    const before = member.state;
    member.state = state;
    return before;
  }

  /** One member as it is now (a copy), or undefined when not a member. */
  member(sessionId: string): MediaMember | undefined {
    const member = this.members.get(sessionId);
    return member && { ...member, state: { ...member.state } };
  }

  list(): MediaMember[] {
    return [...this.members.values()].map((m) => ({ ...m, state: { ...m.state } }));
  }
}

/** Whether two states say the same to the other members (the fields the schema defines). */
export function sameMediaState(a: MediaState, b: MediaState): boolean {
  return (
    a.audio === b.audio &&
    a.video === b.video &&
    a.intercom === b.intercom &&
    a.health === b.health &&
    a.healthReason === b.healthReason &&
    (a.hears === undefined) === (b.hears === undefined) &&
    (a.hears ?? []).length === (b.hears ?? []).length &&
    (a.hears ?? []).every((id, i) => id === b.hears![i])
  );
}
