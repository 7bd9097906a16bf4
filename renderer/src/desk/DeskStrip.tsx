import { useEffect, useState } from 'react';
import { appStore, useApp } from '../store/store.js';
import { DeskTileView } from './DeskTileView.js';
import { deskShortcutIndex } from './desk-keys.js';
import { deskShown } from './desk-session.js';
import { DeskPlans } from './DeskPlans.js';
import './desk.css';

/**
 * Every scanner on the desk, in site-list order, above the focused scanner's console. Ctrl+1..9
 * focuses a scanner from anywhere in the window. Renders nothing without a desk of two or more.
 */
export function DeskStrip() {
  const desk = useApp((s) => s.desk);
  const error = useApp((s) => s.deskCallError);
  const hasTiles = deskShown(desk);
  const [plansSiteId, setPlansSiteId] = useState<string | null>(null);

  useEffect(() => {
    if (!hasTiles) return;
    const onKey = (event: KeyboardEvent) => {
      const index = deskShortcutIndex(event);
      if (index === null) return;
      const tile = appStore.getState().desk?.tiles[index];
      if (!tile) return;
      event.preventDefault();
      void appStore.getState().focusScanner(tile.site.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [hasTiles]);

  if (!deskShown(desk)) return null;
  const plansTile = desk.tiles.find((tile) => tile.site.id === plansSiteId) ?? null;
  return (
    <nav className="desk-strip" aria-label="Scanners on your desk" data-testid="desk-strip">
      <div className="desk-tiles" style={{ gridTemplateColumns: `repeat(${desk.tiles.length}, minmax(250px, 1fr))` }}>
        {desk.tiles.map((tile, index) => (
          <DeskTileView
            key={tile.site.id}
            tile={tile}
            index={index}
            focused={tile.site.id === desk.focusedSiteId}
            onFocus={() => void appStore.getState().focusScanner(tile.site.id)}
            plansOpen={plansSiteId === tile.site.id}
            onPlans={() => setPlansSiteId((open) => (open === tile.site.id ? null : tile.site.id))}
          />
        ))}
      </div>
      {plansTile ? <DeskPlans tile={plansTile} onClose={() => setPlansSiteId(null)} /> : null}
      {error ? (
        <p className="error-line desk-error" role="alert" data-testid="desk-error">
          <span className="code">{error.code}</span> <span>{error.message}</span>
        </p>
      ) : null}
    </nav>
  );
}
