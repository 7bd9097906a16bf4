import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type WheelEvent } from 'react';
import type { LogEntry } from '../../../protocol/api.js';
import { useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';
import { entryCode } from '../logic/log-words.js';
import type { ShownLogEntry } from '../store/log-slice.js';
import { useWindowedRows } from './use-windowed-rows.js';

const LEVEL_ICON: Record<LogEntry['level'], string> = { info: '·', warning: '▲', alarm: '✕' };
const LEVEL_WORD: Record<LogEntry['level'], string> = { info: 'Information', warning: 'Warning', alarm: 'Alarm' };
const LEVEL_TONE: Record<LogEntry['level'], string> = { info: 'neutral', warning: 'warn', alarm: 'bad' };

/** Rows closer than this to the bottom count as "reading the newest", so new rows keep it in view. */
const STICK_PX = 24;
/** A scroll this soon after a wheel, key, touch or pointer press on the log is the user's own. */
const USER_SCROLL_MS = 800;
/**
 * Rows in the DOM beyond those in view, either side: a page key or a wheel notch shows rows
 * already laid out. Whatever the log holds, the DOM has the rows in view and these, not a row per
 * entry: a full log was some 8,000 nodes, and a notice storm left the whole window sluggish.
 */
const OVERSCAN_ROWS = 10;
/** A one-line row (12 px text at line height 1.4, 2 px padding, 1 px border), until one is measured. */
const ROW_PX = 20;
/** Keys that scroll the log toward its oldest entries. */
const KEYS_TOWARD_OLDEST = new Set(['ArrowUp', 'PageUp', 'Home']);
/** The newest entries a screen reader is told (in order); the rest of a burst stays in the log to read. */
const ANNOUNCED = 5;

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
  return <EventLogView log={log} />;
}

/** The log panel for `log` (oldest first), apart from the store so that a test can render it with any log. */
export function EventLogView({ log }: { log: readonly ShownLogEntry[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [following, setFollowing] = useState(true);
  const lastUserInput = useRef(0);
  const lastTop = useRef(0);
  const [unseen, setUnseen] = useState(0);
  const lastSeen = useRef<ShownLogEntry | undefined>(undefined);
  const [opened, setOpened] = useState<ReadonlySet<number>>(() => new Set());
  const keys = useMemo(() => log.map(keyOf), [log]);
  const { range, rowRef } = useWindowedRows(scroller, keys, { pinToEnd: following, overscan: OVERSCAN_ROWS, rowHeight: ROW_PX });

  const follow = (on: boolean) => {
    stick.current = on;
    setFollowing(on);
  };

  // Follow new entries unless the technologist scrolled up to read history. Only a scroll the
  // user made (right after their wheel, key, touch or press) stops following: the browser also
  // scrolls by itself (a resized panel, rows measured), and taking those for the user's intent is
  // how a log silently stops following. While following, the windowed rows keep the newest in
  // view (use-windowed-rows.ts); while reading, they keep the reader's row where it is.
  useLayoutEffect(() => {
    const previous = lastSeen.current;
    lastSeen.current = log.at(-1);
    if (stick.current) return;
    // The log is bounded (old entries drop off the front): count what follows the last one seen.
    const at = previous ? log.lastIndexOf(previous) : -1;
    const added = at < 0 ? log.length : log.length - 1 - at;
    if (added > 0) setUnseen((n) => n + added);
  }, [log]);

  const jumpToNewest = () => {
    follow(true);
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
  // A wheel or key toward the oldest lets go of the newest at once, before the first step of its
  // (smooth) scroll: that step can still be within STICK_PX of the end, and following the next
  // entry from there would cancel the scroll the user began.
  const leaveNewest = (el: HTMLElement) => {
    if (stick.current && el.scrollTop > 0) follow(false);
  };
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    noteUserInput();
    if (e.deltaY < 0) leaveNewest(e.currentTarget);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    noteUserInput();
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (KEYS_TOWARD_OLDEST.has(e.key)) leaveNewest(e.currentTarget);
    // End is "the newest", as it was when every row was in the DOM. The browser's own End would
    // stop where the log's end was estimated to be as it started, short of it when rows measured
    // on the way turned out taller (wrapped text); following lands on the newest row itself.
    if (e.key === 'End') {
      e.preventDefault();
      jumpToNewest();
    }
  };
  // A row's open state outlives its DOM node: scrolled away and back, an opened row is still open.
  const toggled = useCallback((key: number, open: boolean) => {
    setOpened((was) => {
      if (was.has(key) === open) return was;
      const now = new Set(was);
      if (open) now.add(key);
      else now.delete(key);
      return now;
    });
  }, []);

  return (
    <div className="panel log-panel" aria-labelledby="log-title">
      <div className="panel-head">
        <h2 className="panel-title" id="log-title">
          Event log
        </h2>
        <span className="muted">{log.length} events</span>
      </div>
      <div className="log-frame">
        {/* Screen readers hear new entries from here, not from the rows: those come and go as the
            log scrolls, and an old row scrolled back into the DOM must not be read out as new. */}
        <div className="sr-only" aria-live="polite" aria-relevant="additions">
          {log.slice(-ANNOUNCED).map((entry) => (
            <p key={keyOf(entry)}>{spokenLine(entry)}</p>
          ))}
        </div>
        <div
          className="log-scroll"
          ref={scroller}
          tabIndex={0}
          data-testid="event-log"
          data-following={unseen === 0 ? 'true' : 'false'}
          role="log"
          aria-live="off"
          aria-label="Event log"
          onWheel={onWheel}
          onKeyDown={onKeyDown}
          onPointerDown={noteUserInput}
          onTouchMove={noteUserInput}
          onScroll={(e) => {
            const el = e.currentTarget;
            const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
            const byUser = performance.now() - lastUserInput.current < USER_SCROLL_MS;
            const up = el.scrollTop < lastTop.current;
            lastTop.current = el.scrollTop;
            if (atBottom) {
              // Not the first step of the user's own scroll up, still near the end.
              if (byUser && up) return;
              if (!stick.current) follow(true);
              setUnseen(0);
            } else if (byUser) {
              if (stick.current) follow(false);
            } else if (stick.current) {
              // Not the user: the browser moved it. Back to the newest.
              el.scrollTop = el.scrollHeight;
            }
          }}
        >
          {log.length === 0 ? <p className="empty-note">No events yet.</p> : null}
          <div className="log-spacer" aria-hidden="true" style={{ height: range.before }} />
          {log.slice(range.start, range.end).map((entry) => {
            const key = keyOf(entry);
            return <LogRow key={key} entry={entry} entryKey={key} open={opened.has(key)} onToggle={toggled} rowRef={rowRef(key)} />;
          })}
          <div className="log-spacer" aria-hidden="true" style={{ height: range.after }} />
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

/** A row as a screen reader would read it: time, level, words, code (the row's summary). */
function spokenLine(entry: ShownLogEntry): string {
  const code = entryCode(entry);
  return `${formatClock(entry.at)} ${LEVEL_WORD[entry.level]}: ${entry.words}${code ? ` ${code}` : ''}`;
}

interface LogRowProps {
  entry: ShownLogEntry;
  entryKey: number;
  open: boolean;
  onToggle(key: number, open: boolean): void;
  rowRef(el: HTMLElement | null): void;
}

/** Entries never change once logged, so a row renders once while it stays in view. */
const LogRow = memo(function LogRow({ entry, entryKey, open, onToggle, rowRef }: LogRowProps) {
  const code = entryCode(entry);
  return (
    <details
      ref={rowRef}
      className={`log-row level-${entry.level}`}
      data-kind={entry.kind}
      open={open}
      onToggle={(e) => onToggle(entryKey, e.currentTarget.open)}
    >
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
