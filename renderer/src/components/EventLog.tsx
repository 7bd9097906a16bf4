import { useLayoutEffect, useRef } from 'react';
import type { LogEntry } from '../../../protocol/api.js';
import { useApp } from '../store/store.js';
import { formatClock } from '../logic/format.js';

const LEVEL_ICON: Record<LogEntry['level'], string> = { info: '·', warning: '▲', alarm: '✕' };
const LEVEL_TONE: Record<LogEntry['level'], string> = { info: 'neutral', warning: 'warn', alarm: 'bad' };

/** Rows closer than this to the bottom count as "reading the newest", so new rows keep it in view. */
const STICK_PX = 24;

export function EventLog() {
  const log = useApp((s) => s.log);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow new entries only while the technologist is at the bottom; scrolling up to read
  // history must not be yanked away by the next heartbeat.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log]);

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
        {log.map((entry, index) => (
          <div key={index} className={`log-row level-${entry.level}`} data-kind={entry.kind}>
            <span className="mono log-time">{formatClock(entry.at)}</span>
            <span className={`log-level tone-${LEVEL_TONE[entry.level]}`} aria-label={entry.level}>
              {LEVEL_ICON[entry.level]}
            </span>
            <span className="log-kind">{entry.kind}</span>
            <span className="log-text">{entry.text}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
