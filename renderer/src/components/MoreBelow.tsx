import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The foot of a scrolling column while part of it is out of sight below: the last line shown,
 * cut at the column's edge, fades under "More below", which scrolls the rest into view. Without
 * it a cut line reads as the end of the list (README "A trainer joins; one window per
 * workstation": the people list at 1280x720). Placed as the column's last child; it takes no
 * room of its own.
 */
export function MoreBelow({ what }: { what: string }) {
  const cue = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState(false);
  useLayoutEffect(() => {
    const column = cue.current?.parentElement;
    if (!column) return;
    // A pixel's slack: zoomed layouts leave fractions between scrollHeight and what is shown.
    const update = () => setMore(column.scrollHeight - column.clientHeight - column.scrollTop > 1);
    const sizes = new ResizeObserver(update);
    const watchChildren = () => {
      sizes.disconnect();
      sizes.observe(column);
      for (const child of column.children) sizes.observe(child);
      update();
    };
    // Panels come and go (an invitation, a second picture): their sizes are watched as they do.
    const children = new MutationObserver(watchChildren);
    children.observe(column, { childList: true });
    column.addEventListener('scroll', update, { passive: true });
    watchChildren();
    return () => {
      column.removeEventListener('scroll', update);
      children.disconnect();
      sizes.disconnect();
    };
  }, []);
  return (
    <div ref={cue} className={`more-below${more ? ' shown' : ''}`} data-testid="more-below" aria-hidden={!more}>
      <button
        type="button"
        className="small ghost"
        tabIndex={more ? 0 : -1}
        title={`Scroll to see the rest of ${what}`}
        onClick={() => {
          const column = cue.current?.parentElement;
          column?.scrollTo({ top: column.scrollHeight, behavior: 'smooth' });
        }}
      >
        ▾ More below
      </button>
    </div>
  );
}
