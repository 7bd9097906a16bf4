import { objectUidOf, type ExamCatalogue, type Mark } from '../../protocol/index.js';

/** The mark drawn last, if any. */
export function newestMark(marks: readonly Mark[]): Mark | null {
  return marks.reduce<Mark | null>((newest, m) => (!newest || m.at > newest.at ? m : newest), null);
}

/**
 * The held images a console asks the gateway for when it joins an exam under way (a page opened
 * or reloaded mid-exam), so that its live image is not empty until the next image comes
 * (protocol/exam-images.ts): the image the last mark is on, where a console that had been open
 * would be (a mark shows its image, OnsiteViewer.tsx), and the newest image, last, for "Follow
 * newest". The newest is the last image of a series still being received, else of the last
 * series that has images.
 */
export function imagesToShowOnJoin(catalogue: ExamCatalogue, marks: readonly Mark[]): string[] {
  const withImages = catalogue.series.filter((s) => s.sopInstanceUids.length > 0);
  const newestSeries = [...withImages].reverse().find((s) => s.status === 'receiving') ?? withImages.at(-1);
  const newest = newestSeries?.sopInstanceUids.at(-1);
  if (newest === undefined) return [];
  const mark = newestMark(marks);
  const marked = mark ? objectUidOf(mark.sopInstanceUid) : null;
  const held = marked !== null && marked !== newest && withImages.some((s) => s.sopInstanceUids.includes(marked));
  return held ? [marked, newest] : [newest];
}

/**
 * The viewer's images with `image` in its place, oldest first: a live image last (the newest);
 * one asked for on joining (`fetched`, the set of those, which this adds to) after the others
 * asked for and before every live one, since a live image that came before it is newer.
 */
export function placed<T extends { sopInstanceUid: string }>(list: readonly T[], image: T, fetched: Set<string> | null): T[] {
  const others = list.filter((i) => i.sopInstanceUid !== image.sopInstanceUid);
  if (!fetched) return [...others, image];
  fetched.add(image.sopInstanceUid);
  const at = others.findIndex((i) => !fetched.has(i.sopInstanceUid));
  return at === -1 ? [...others, image] : [...others.slice(0, at), image, ...others.slice(at)];
}
