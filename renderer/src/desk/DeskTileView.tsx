import { useEffect, useRef } from 'react';
import type { DeskTile } from '../../../protocol/desk.js';
import { StatusTag } from '../../../base/browser/StatusTag.js';
import { TileThumbnail } from './TileThumbnail.js';
import { tileWords } from './tile-words.js';
import { tilePlans } from './DeskPlans.js';

/**
 * One scanner on the desk. The whole tile is one button (its accessible name says everything on
 * it); clicking it shows that scanner on the console below.
 */
export function DeskTileView({
  tile,
  index,
  focused,
  onFocus,
  plansOpen,
  onPlans,
}: {
  tile: DeskTile;
  index: number;
  focused: boolean;
  onFocus: () => void;
  plansOpen: boolean;
  onPlans: () => void;
}) {
  const words = tileWords(tile, index);
  const hasPlans = tilePlans(tile).length > 0;
  const frame = useRef<HTMLDivElement>(null);
  // On a desk wider than the window the strip scrolls sideways: the focused scanner is kept in view.
  useEffect(() => {
    if (focused) frame.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [focused]);
  const alarmed = words.alarms.length > 0;
  return (
    <div ref={frame} className={`desk-tile${focused ? ' focused' : ''}${alarmed ? ' alarmed' : ''}`} data-testid="desk-tile" data-site-id={tile.site.id}>
      <button
        type="button"
        className="desk-tile-button"
        aria-label={words.accessibleName}
        aria-current={focused ? 'true' : undefined}
        aria-keyshortcuts={words.shortcut ?? undefined}
        title={`${words.title}${words.scanner ? `, ${words.scanner}` : ''}${words.shortcut ? ` (${words.shortcut})` : ''}`}
        onClick={onFocus}
        data-testid="desk-tile-button"
        data-focused={focused ? 'true' : 'false'}
      >
        <TileThumbnail thumbnail={tile.thumbnail} />
        <span className="tile-body">
          <span className="tile-line tile-head">
            <strong className="tile-name">{words.title}</strong>
            {words.scanner ? <span className="tile-scanner muted">{words.scanner}</span> : null}
            <span className="tile-marks">
              {words.unread ? (
                <span className="tile-unread" data-testid="tile-unread" title={`${tile.unreadChat} unread chat messages`}>
                  ✉ {words.unread}
                </span>
              ) : null}
              {words.shortcut ? <kbd className="tile-key">{words.shortcut}</kbd> : null}
            </span>
          </span>
          <span className="tile-line">
            <StatusTag presentation={words.link} testId="tile-link" />
            {words.state ? <StatusTag presentation={words.state} testId="tile-state" /> : null}
            {words.sequence ? (
              <span className="tile-sequence" data-testid="tile-sequence">
                {words.sequence}
              </span>
            ) : null}
          </span>
          {words.problem ? (
            <>
              <span className="tile-line tile-problem" data-testid="tile-problem">
                <span className="code">{words.problem.code}</span> {words.problem.message}
              </span>
              {focused ? <span className="tile-line tile-on-console">▼ On console</span> : null}
            </>
          ) : (
            <>
              <span className="tile-line" data-testid="tile-onsite">
                <span className="muted">Onsite</span> <span className="tile-text">{words.onsite}</span>
              </span>
              <span className="tile-line" data-testid="tile-control">
                <span className="muted">Control</span> <span className={`tile-text${tile.youHoldControl ? ' tile-you' : ''}`}>{words.control}</span>
                {focused ? <span className="tile-on-console">▼ On console</span> : null}
              </span>
            </>
          )}
          {alarmed ? (
            <span className="tile-line tile-alarm" data-testid="tile-alarm">
              <span className="tile-alarm-icon" aria-hidden="true">
                {words.alarmIcon}
              </span>
              <span className="tile-alarm-text">
                {words.alarms[0]}
                {words.alarms.length > 1 ? ` (+${words.alarms.length - 1} more)` : ''}
              </span>
            </span>
          ) : null}
        </span>
      </button>
      {hasPlans ? (
        <button type="button" className="small tile-plans" aria-expanded={plansOpen} onClick={onPlans} data-testid="tile-plans">
          Plans<span className="sr-only"> of {tile.site.name}</span>
        </button>
      ) : null}
    </div>
  );
}
