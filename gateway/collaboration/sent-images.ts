/** How many image ids are remembered: far more than one exam's images, bounded for a long day. */
const REMEMBERED = 50_000;

/**
 * The SOP Instance UIDs this gateway has sent to its clients, newest kept: a mark may only be
 * drawn on an image the gateway actually sent.
 */
export class SentImages {
  private readonly ids = new Set<string>();

  add(sopInstanceUid: string): void {
    this.ids.delete(sopInstanceUid);
    this.ids.add(sopInstanceUid);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.ids.size > REMEMBERED) this.ids.delete(this.ids.values().next().value as string);
  }

  has(sopInstanceUid: string): boolean {
    return this.ids.has(sopInstanceUid);
  }
}
