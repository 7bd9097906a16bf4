import type { MarkShape } from '../../../protocol/collaboration.js';
import { appStore, useApp } from '../store/store.js';
import { CollabOutcomeLine } from './CollabOutcomeLine.js';

const TOOLS: { shape: MarkShape; label: string; icon: string }[] = [
  { shape: 'arrow', label: 'Arrow', icon: '↗' },
  { shape: 'circle', label: 'Circle', icon: '◯' },
  { shape: 'freehand', label: 'Freehand', icon: '✎' },
];

/** Whether this session may draw: the operator and onsite staff, never observers (the gateway refuses them). */
export function useCanMark(): boolean {
  return useApp((s) => s.link.status === 'connected' && s.link.role !== null && s.link.role !== 'observer');
}

/** How many marks the exam has on one image. */
export function useMarkCount(sopInstanceUid: string | null): number {
  return useApp((s) => (sopInstanceUid ? (s.collab?.marks.filter((m) => m.sopInstanceUid === sopInstanceUid).length ?? 0) : 0));
}

/**
 * The pointer tools, in a row above the image: pick a shape, then a left drag on the image draws
 * it for everyone in the exam; pick it again (or Escape) to get the usual window/level drag back.
 * Only for those who may draw; an observer reads the marks' count in the image's corner
 * (viewer/overlay.ts).
 */
export function MarkTools({ sopInstanceUid }: { sopInstanceUid: string }) {
  const tool = useApp((s) => s.markTool);
  const count = useMarkCount(sopInstanceUid);
  return (
    <div className="mark-tools" role="toolbar" aria-label="Mark the image for the others" data-testid="mark-tools">
      <span className="muted">Mark:</span>
      {TOOLS.map((t) => (
        <button
          key={t.shape}
          type="button"
          className="small mark-tool"
          data-testid={`mark-tool-${t.shape}`}
          aria-label={`${t.label} mark`}
          aria-pressed={tool === t.shape}
          title={
            tool === t.shape
              ? `${t.label}: drag on the image to draw (click again or Escape for window/level)`
              : `Draw ${t.label.toLowerCase()} on this image for everyone in the exam`
          }
          onClick={() => appStore.getState().setMarkTool(tool === t.shape ? null : t.shape)}
        >
          <span aria-hidden="true">{t.icon}</span>
        </button>
      ))}
      <button
        type="button"
        className="small ghost"
        data-testid="marks-clear"
        aria-label="Clear marks on this image"
        disabled={count === 0}
        title={count === 0 ? 'No marks on this image' : 'Clear every mark on this image, for everyone'}
        onClick={() => void appStore.getState().sendCollab('marks', { name: 'mark.clear', sopInstanceUid })}
      >
        Clear
      </button>
      <CollabOutcomeLine origin="marks" quietWhenDone />
    </div>
  );
}
