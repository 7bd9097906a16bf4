import { useApp } from '../store/store.js';
import { presentTileLink } from './tile-words.js';
import { focusedTile } from './desk-session.js';

/** The console before its scanner's snapshot arrives: which scanner, and why nothing is shown yet. */
export function DeskConsoleWaiting() {
  const tile = useApp((s) => focusedTile(s.desk) ?? null);
  if (!tile) {
    return (
      <p className="waiting panel" role="status">
        Connected; waiting for the gateway's scanner snapshot.
      </p>
    );
  }
  const link = presentTileLink(tile);
  const up = tile.link === 'connected';
  return (
    <div className="waiting panel desk-waiting" role="status" data-testid="desk-console-waiting">
      <strong>{tile.site.name}</strong>
      <span>
        <span className={`tone-${link.tone}`}>
          <span aria-hidden="true">{link.icon}</span> {link.word}
        </span>
        {up ? ': waiting for the gateway’s scanner snapshot.' : tile.error ? `: ${tile.error.message}` : '.'}
      </span>
      {tile.error && !up ? <span className="code">{tile.error.code}</span> : null}
      {!up ? <span className="muted">The other scanners keep running; pick one above or press Ctrl and its number.</span> : null}
    </div>
  );
}
