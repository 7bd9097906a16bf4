import type { StatusPresentation } from './status-words.js';

/** A state as icon + word, coloured by meaning; the colour is never the only cue. */
export function StatusTag({ presentation, testId, detail, title }: { presentation: StatusPresentation; testId?: string; detail?: string; title?: string }) {
  return (
    <span className={`status-tag tone-${presentation.tone}`} data-testid={testId} title={title}>
      <span className="status-icon" aria-hidden="true">
        {presentation.icon}
      </span>
      <span className="status-word">{presentation.word}</span>
      {detail ? <span className="status-detail">{detail}</span> : null}
    </span>
  );
}
