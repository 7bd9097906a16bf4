import { MAX_MARKS_PER_EXAM, MAX_MARKS_PER_IMAGE, type Mark } from './collaboration.js';

/**
 * The open exam's marks as a client holds them (the workstation's collaboration mirror and the
 * onsite console), in the order they came: each once (a
 * replay may repeat one), and no more than the gateway itself keeps, MAX_MARKS_PER_IMAGE on one
 * image and MAX_MARKS_PER_EXAM in all (protocol/collaboration.ts, docs/architecture.md
 * "Collaboration"), the oldest going first. A gateway that sent more would otherwise have the
 * page hold and draw every one. Known by id, so a mark costs the same however many are held, and
 * the list is copied once per view, not once per mark.
 */
export class ExamMarks {
  /** Every mark by id, in the order they came (a Map keeps insertion order). */
  private readonly byId = new Map<string, Mark>();
  /** The ids on each image, in the order they came. */
  private readonly byImage = new Map<string, Set<string>>();
  private shown: Mark[] = [];
  private changed = false;

  /** The whole set, as the catch-up after a welcome gives it. */
  reset(marks: readonly Mark[]): void {
    this.byId.clear();
    this.byImage.clear();
    for (const mark of marks) this.put(mark);
    this.changed = true;
  }

  /** One mark more; false when it is one already held. */
  add(mark: Mark): boolean {
    if (this.byId.has(mark.id)) return false;
    this.put(mark);
    this.changed = true;
    return true;
  }

  /** An image's whole set after a change (empty when cleared). */
  replaceImage(sopInstanceUid: string, marks: readonly Mark[]): void {
    for (const id of this.byImage.get(sopInstanceUid) ?? []) this.remove(id);
    for (const mark of marks) this.put(mark);
    this.changed = true;
  }

  /** The marks held, oldest first; the same array until they change. */
  list(): Mark[] {
    if (this.changed) {
      this.shown = [...this.byId.values()];
      this.changed = false;
    }
    return this.shown;
  }

  private put(mark: Mark): void {
    if (this.byId.has(mark.id)) this.remove(mark.id);
    this.byId.set(mark.id, mark);
    let ids = this.byImage.get(mark.sopInstanceUid);
    if (!ids) this.byImage.set(mark.sopInstanceUid, (ids = new Set()));
    ids.add(mark.id);
    if (ids.size > MAX_MARKS_PER_IMAGE) this.remove(ids.values().next().value!);
    if (this.byId.size > MAX_MARKS_PER_EXAM) this.remove(this.byId.keys().next().value!);
  }

  private remove(id: string): void {
    const mark = this.byId.get(id);
    if (!mark) return;
    this.byId.delete(id);
    const ids = this.byImage.get(mark.sopInstanceUid);
    ids?.delete(id);
    if (ids?.size === 0) this.byImage.delete(mark.sopInstanceUid);
  }
}
