import { useEffect, useState } from 'react';
import type { HealthView } from '../../../protocol/health.js';
import { useApp } from '../store/store.js';
import { presentFailoverBanner, type FailoverBannerContent } from '../logic/failover-banner.js';

/**
 * The link health from window.larmor's workstation view. The store's view slice does not keep
 * `health` (yet); until it does, this hook subscribes to the same push the store uses.
 */
export function useLinkHealth(): HealthView | null {
  const [health, setHealth] = useState<HealthView | null>(null);
  useEffect(() => {
    const api = typeof window !== 'undefined' ? window.larmor : undefined;
    if (!api) return undefined;
    return api.state.subscribe((view) => setHealth(view.health ?? null));
  }, []);
  return health;
}

/** Epoch ms, refreshed every `intervalMs` (durations on the banner count up). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The failover banner: what happened, for how long, what the scanner and site do, what to do. */
export function FailoverBanner({ health }: { health: HealthView }) {
  const policy = useApp((s) => s.link.policy);
  const now = useNow();
  const content = presentFailoverBanner({ health, policy, now });
  if (!content) return <div className="failover-slot" data-region="failover-banner" hidden />;
  return <BannerView content={content} />;
}

function BannerView({ content }: { content: FailoverBannerContent }) {
  return (
    <div
      className={`failover-slot banner failover-banner tone-${content.tone}`}
      data-region="failover-banner"
      data-testid="failover-banner"
      role={content.tone === 'bad' ? 'alert' : 'status'}
    >
      <span className="status-icon" aria-hidden="true">
        {content.icon}
      </span>
      <strong data-testid="failover-headline">{content.headline}</strong>
      {content.duration ? <span data-testid="failover-duration">{content.duration}</span> : null}
      {content.cause ? <span className="failover-cause">{content.cause}</span> : null}
      {content.scanner ? (
        <span className="banner-policy" data-testid="failover-scanner">
          {content.scanner}
        </span>
      ) : null}
      {content.control ? <span data-testid="failover-control">{content.control}</span> : null}
      {content.fallback ? (
        <span className="banner-fallback" data-testid="failover-fallback">
          <strong>Fallback:</strong> {content.fallback}
        </span>
      ) : null}
      {content.reconnect ? <span data-testid="failover-reconnect">{content.reconnect}</span> : null}
      {content.commands ? <span data-testid="failover-commands">{content.commands}</span> : null}
      {content.figures ? <span className="mono">{content.figures}</span> : null}
    </div>
  );
}
