import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import type { LogEntry } from '../../../protocol/api.js';
import { useApp } from '../store/store.js';
import { formatClock } from '../logic/format.js';

const LEVEL_ICON: Record<LogEntry['level'], string> = { info: '·', warning: '▲', alarm: '✕' };
const LEVEL_TONE: Record<LogEntry['level'], string> = { info: 'neutral', warning: 'warn', alarm: 'bad' };

/** Rows closer than this to the bottom count as "reading the newest", so new rows keep it in view. */
const STICK_PX = 24;

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

  // Follow new entries only while the technologist is at the bottom; scrolling up to read
  // history must not be yanked away by the next heartbeat. Scrolled in the next frame, before it
  // paints: reading scrollHeight right away would force a layout per event (an event per live
  // image), where the frame lays out once for all that changed.
  useLayoutEffect(() => {
    if (followFrame.current || !stick.current) return;
    followFrame.current = requestAnimationFrame(() => {
      followFrame.current = 0;
      const el = scroller.current;
      if (el && stick.current) el.scrollTop = el.scrollHeight;
    });
  }, [log]);
  useEffect(() => () => cancelAnimationFrame(followFrame.current), []);

  return (
    <div className="panel log-panel" aria-labelledby="log-title">
      <div className="panel-head">
        <h2 className="panel-title" id="log-title">
          Event log
        </h2>
        <span className="muted">{log.length} events</span>
      </div>
      <div
        className="log-scroll"
        ref={scroller}
        tabIndex={0}
        data-testid="event-log"
        role="log"
        aria-live="polite"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
        }}
      >
        {log.length === 0 ? <p className="empty-note">No events yet.</p> : null}
        {log.map((entry) => (
          <LogRow key={keyOf(entry)} entry={entry} />
        ))}
      </div>
    </div>
  );
}

/** Entries never change once logged, so a row renders once however long the log grows. */
const LogRow = memo(function LogRow({ entry }: { entry: LogEntry }) {
  return (
    <div className={`log-row level-${entry.level}`} data-kind={entry.kind}>
      <span className="mono log-time">{formatClock(entry.at)}</span>
      <span className={`log-level tone-${LEVEL_TONE[entry.level]}`} aria-label={entry.level}>
        {LEVEL_ICON[entry.level]}
      </span>
      <span className="log-kind">{entry.kind}</span>
      <span className="log-text">{entry.text}</span>
    </div>
  );
});
