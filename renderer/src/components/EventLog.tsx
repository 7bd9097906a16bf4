import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogEntry } from '../../../protocol/api.js';
import { useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';
import { entryCode } from '../logic/log-words.js';
import type { ShownLogEntry } from '../store/log-slice.js';

const LEVEL_ICON: Record<LogEntry['level'], string> = { info: '·', warning: '▲', alarm: '✕' };
const LEVEL_WORD: Record<LogEntry['level'], string> = { info: 'Information', warning: 'Warning', alarm: 'Alarm' };
const LEVEL_TONE: Record<LogEntry['level'], string> = { info: 'neutral', warning: 'warn', alarm: 'bad' };

/** Rows closer than this to the bottom count as "reading the newest", so new rows keep it in view. */
const STICK_PX = 24;
/** A scroll this soon after a wheel, key, touch or pointer press on the log is the user's own. */
const USER_SCROLL_MS = 800;

/**
 * A key that stays with its entry: once the log is full the oldest entries drop off the front, and
 * index keys would then re-render every row for each new event (one per live image).
 */
const entryKeys = new WeakMap<LogEntry, number>();
let nextEntryKey = 1;
function keyOf(entry: LogEntry): number {
  let key = entryKeys.get(entry);
  if (key === undefined) {
    key = nextEntryKey++;
    entryKeys.set(entry, key);
  }
  return key;
}

export function EventLog() {
  const log = useApp((s) => s.log);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const followFrame = useRef(0);
  const lastUserInput = useRef(0);
  const [unseen, setUnseen] = useState(0);
  const lastSeen = useRef<ShownLogEntry | undefined>(undefined);

  // Follow new entries unless the technologist scrolled up to read history. Only a scroll the
  // user made (right after their wheel, key, touch or press) stops following: the browser also
  // scrolls by itself (scroll anchoring when old rows drop off the front, a resized panel), and
  // taking those for the user's intent is how a log silently stops following. Scrolled in the
  // next frame, before it paints: reading scrollHeight right away would force a layout per event
  // (an event per live image), where the frame lays out once for all that changed.
  useLayoutEffect(() => {
    const previous = lastSeen.current;
    lastSeen.current = log.at(-1);
    if (!stick.current) {
      // The log is bounded (old entries drop off the front): count what follows the last one seen.
      const at = previous ? log.lastIndexOf(previous) : -1;
      const added = at < 0 ? log.length : log.length - 1 - at;
      if (added > 0) setUnseen((n) => n + added);
      return;
    }
    if (followFrame.current) return;
    followFrame.current = requestAnimationFrame(() => {
      followFrame.current = 0;
      const el = scroller.current;
      if (el && stick.current) el.scrollTop = el.scrollHeight;
    });
  }, [log]);
  useEffect(() => () => cancelAnimationFrame(followFrame.current), []);

  const jumpToNewest = () => {
    stick.current = true;
    // Asking for the newest ends the earlier scroll-up: a smooth wheel scroll still running now
    // is the browser finishing it, not a new wish to read history.
    lastUserInput.current = 0;
    setUnseen(0);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };
  const noteUserInput = () => {
    lastUserInput.current = performance.now();
  };

  return (
    <div className="panel log-panel" aria-labelledby="log-title">
      <div className="panel-head">
        <h2 className="panel-title" id="log-title">
          Event log
        </h2>
        <span className="muted">{log.length} events</span>
      </div>
      <div className="log-frame">
        <div
          className="log-scroll"
          ref={scroller}
          tabIndex={0}
          data-testid="event-log"
          data-following={unseen === 0 ? 'true' : 'false'}
          role="log"
          aria-live="polite"
          aria-label="Event log"
          onWheel={noteUserInput}
          onKeyDown={noteUserInput}
          onPointerDown={noteUserInput}
          onTouchMove={noteUserInput}
          onScroll={(e) => {
            const el = e.currentTarget;
            const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
            if (atBottom) {
              stick.current = true;
              setUnseen(0);
            } else if (performance.now() - lastUserInput.current < USER_SCROLL_MS) {
              stick.current = false;
            } else if (stick.current && !followFrame.current) {
              // Not the user: the browser moved it. Back to the newest.
              el.scrollTop = el.scrollHeight;
            }
          }}
        >
          {log.length === 0 ? <p className="empty-note">No events yet.</p> : null}
          {log.map((entry) => (
            <LogRow key={keyOf(entry)} entry={entry} />
          ))}
        </div>
        {unseen > 0 ? (
          <button type="button" className="small log-new-entries" data-testid="log-new-entries" onClick={jumpToNewest}>
            ↓ {unseen} new {unseen === 1 ? 'entry' : 'entries'}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Entries never change once logged, so a row renders once however long the log grows. */
const LogRow = memo(function LogRow({ entry }: { entry: ShownLogEntry }) {
  const code = entryCode(entry);
  return (
    <details className={`log-row level-${entry.level}`} data-kind={entry.kind}>
      <summary>
        <span className="mono log-time">{formatClock(entry.at)}</span>
        <span className={`log-level tone-${LEVEL_TONE[entry.level]}`} role="img" aria-label={LEVEL_WORD[entry.level]}>
          {LEVEL_ICON[entry.level]}
        </span>
        <span className="log-text" data-testid="log-words">
          {entry.words}
        </span>
        {code ? <span className="mono log-code">{code}</span> : null}
      </summary>
      <div className="log-detail">
        <span className="muted">{entry.kind}</span> <span className="mono">{entry.text}</span>
      </div>
    </details>
  );
});
