import { useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { appStore, useApp } from '../store/store.js';
import { formatClock } from '../../../base/common/clock.js';
import { useAlarmTone } from '../../../base/browser/use-alarm-tone.js';
import { alarmBarAlarms, alarmSourceWords, mostUrgentWords, presentAlarmKind } from './alarms.js';
import { deskShown } from './desk-session.js';

/**
 * Unacknowledged alarms from every scanner on the desk, whichever one is focused: full width,
 * in the layout (never floating over the scan controls), with the alarm tone until every one is
 * acknowledged. Acknowledging is recorded at that scanner's gateway. A console of one scanner
 * shows here the alarms it has no banner for (alarms.ts `alarmBarAlarms`).
 *
 * On a short window the bar gives way to the console and scrolls its alarms
 * (base/browser/styles.css `.session-body`). Its head stays in view, and says how many alarms
 * are out of sight or only partly in it, with a button that brings the next one into view: an
 * alarm cut off at the bar's edge is not to be taken for the last one.
 */
export function DeskAlarmBar() {
  const desk = useApp((s) => s.desk);
  const acknowledging = useApp((s) => s.acknowledging);
  const seen = useApp((s) => s.seenByObserver);
  const pending = useMemo(() => alarmBarAlarms(desk, seen), [desk, seen]);
  const onDesk = deskShown(desk);
  const active = pending.length > 0;
  const sound = useAlarmTone(active);
  const bar = useRef<HTMLElement>(null);
  const outOfSight = useOutOfSight(bar, pending);

  if (!active) return null;
  const emergency = pending.some((p) => presentAlarmKind(p.alarm.kind).tone === 'emergency');
  return (
    <section
      className={`desk-alarm-bar${emergency ? ' emergency' : ''}`}
      aria-label={onDesk ? 'Alarms from your scanners' : 'Alarms from your scanner'}
      data-testid="desk-alarm-bar"
      data-alarm={sound}
      ref={bar}
    >
      <div className="alarm-bar-top">
        <div className="alarm-bar-head" role="alert">
          <strong>{pending.length === 1 ? '1 alarm' : `${pending.length} alarms`} to acknowledge</strong>
          {sound === 'suspended' ? <span className="alarm-muted">Alarm sound is blocked by the browser until you click the page.</span> : null}
          {/* Read out by screen readers whenever the most urgent alarm changes, even if the count does not. */}
          <span className="sr-only">{mostUrgentWords(pending, onDesk)}</span>
        </div>
        {outOfSight.count > 0 ? (
          <button type="button" className="small alarm-more" onClick={outOfSight.showNext} data-testid="desk-alarm-more">
            {outOfSight.count} more {outOfSight.below ? 'below' : 'above'}
            <span aria-hidden="true"> {outOfSight.below ? '↓' : '↑'}</span>
          </button>
        ) : null}
      </div>
      <ul className="alarm-list">
        {pending.map((p) => {
          const { alarm, siteName, tileIndex } = p;
          const kind = presentAlarmKind(alarm.kind);
          const where = alarmSourceWords(p, onDesk);
          return (
            <li key={alarm.id} className={`alarm-row alarm-${kind.tone}`} data-testid="desk-alarm" data-kind={alarm.kind} data-site-id={alarm.siteId}>
              <span className="alarm-icon" aria-hidden="true">
                {kind.icon}
              </span>
              <strong className="alarm-kind">{kind.word}</strong>
              {/* One scanner: the header names it, and it is the one on screen. */}
              {onDesk ? (
                <span className="alarm-scanner">
                  Scanner {tileIndex + 1} · {siteName}
                </span>
              ) : null}
              <span className="alarm-text" data-testid="desk-alarm-text" title={alarm.text}>
                {alarm.detail}
              </span>
              <span className="alarm-time mono">at {formatClock(alarm.at)}</span>
              <span className="alarm-actions">
                {onDesk ? (
                  <button type="button" className="small" onClick={() => void appStore.getState().focusScanner(alarm.siteId)} data-testid="desk-alarm-show">
                    Show
                    <span className="sr-only"> {where}</span>
                  </button>
                ) : null}
                <button
                  type="button"
                  className="small alarm-ack"
                  disabled={acknowledging[alarm.id] === true}
                  title={acknowledging[alarm.id] ? 'Waiting for the gateway to record it' : undefined}
                  onClick={() => void appStore.getState().acknowledgeAlarm(alarm.siteId, alarm.id)}
                  data-testid="desk-alarm-acknowledge"
                >
                  Acknowledge
                  <span className="sr-only">
                    : {kind.word}
                    {where ? `, ${where}` : ''}
                  </span>
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The alarm rows of `bar` not wholly in its view (under its sticky head, or past its bottom
 * edge), counted again whenever the bar is resized or scrolled or its alarms change; `showNext`
 * scrolls the first of them below (else the last above) into view.
 */
function useOutOfSight(bar: RefObject<HTMLElement | null>, alarms: readonly unknown[]): { count: number; below: boolean; showNext: () => void } {
  const [state, setState] = useState({ count: 0, below: true });
  useLayoutEffect(() => {
    const el = bar.current;
    if (!el) return;
    const count = () => {
      const { above, below } = outOfSight(el);
      const next = { count: above.length + below.length, below: below.length > 0 };
      setState((was) => (was.count === next.count && was.below === next.below ? was : next));
    };
    count();
    // The bar, and what moves its rows within it: the head (the button coming and going), the list.
    const resized = new ResizeObserver(count);
    for (const part of [el, ...el.querySelectorAll('.alarm-bar-top, .alarm-list')]) resized.observe(part);
    el.addEventListener('scroll', count, { passive: true });
    return () => {
      resized.disconnect();
      el.removeEventListener('scroll', count);
    };
  }, [bar, alarms]);
  const showNext = () => {
    const el = bar.current;
    if (!el) return;
    const { above, below, top, bottom } = outOfSight(el);
    // Scrolled by hand rather than scrollIntoView: that would scroll the page too, and does not know the head covers the top.
    if (below[0]) el.scrollBy({ top: below[0].getBoundingClientRect().bottom - bottom, behavior: 'instant' });
    else if (above.length > 0) el.scrollBy({ top: above.at(-1)!.getBoundingClientRect().top - top, behavior: 'instant' });
  };
  return { ...state, showNext };
}

/** The bar's rows above the bottom of its head, and below its bottom edge; and those two lines. */
function outOfSight(el: HTMLElement): { above: HTMLElement[]; below: HTMLElement[]; top: number; bottom: number } {
  const view = el.getBoundingClientRect();
  const top = el.querySelector('.alarm-bar-top')?.getBoundingClientRect().bottom ?? view.top + el.clientTop;
  const bottom = view.top + el.clientTop + el.clientHeight;
  const rows = [...el.querySelectorAll<HTMLElement>('.alarm-row')];
  return {
    above: rows.filter((row) => row.getBoundingClientRect().top < top - 1),
    below: rows.filter((row) => row.getBoundingClientRect().bottom > bottom + 1),
    top,
    bottom,
  };
}
