import type { HealthView } from '../../../protocol/health.js';
import { formatFigures, graphGeometry } from '../logic/failover-banner.js';
import { useNow } from './FailoverBanner.js';

const WIDTH = 120;
const HEIGHT = 24;
const SPAN_MS = 60_000;

/**
 * A small live graph of heartbeat round trips over the last minute, next to the link indicator.
 * Lost heartbeats are full-height marks; the dashed line is the degraded-RTT threshold.
 */
export function LinkHealthGraph({ health: h }: { health: HealthView }) {
  const now = useNow(500);
  if (h.state === 'offline') return null;
  const g = graphGeometry(h.samples, now, SPAN_MS, WIDTH, HEIGHT, h.thresholds.degradedRttMs);
  const down = h.state === 'lost' || h.state === 'reconnecting' || h.state === 'failed';
  const figures = formatFigures(h) ?? (down ? 'no heartbeat: link down' : 'measuring…');
  return (
    <span
      className="link-health-graph"
      style={{ display: 'inline-flex', gap: 4, alignItems: 'center', fontSize: '0.8em' }}
      data-testid="link-health-graph"
      title={`Heartbeat round trip, last minute: ${figures}`}
    >
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Link round trip and loss: ${figures}`}>
        <line x1={0} x2={WIDTH} y1={g.thresholdY} y2={g.thresholdY} stroke="currentColor" strokeOpacity={0.35} strokeDasharray="2 2" />
        {g.losses.map((x, i) => (
          <line key={`l${i}`} x1={x} x2={x} y1={0} y2={HEIGHT} stroke="var(--bad, #e5484d)" strokeWidth={1} />
        ))}
        {g.lines.map((points, i) => (
          <polyline key={`p${i}`} points={points} fill="none" stroke="var(--ok, #46a758)" strokeWidth={1.5} />
        ))}
      </svg>
      <span className="mono link-health-figures">{figures}</span>
    </span>
  );
}
