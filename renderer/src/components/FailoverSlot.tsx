import { useApp } from '../store/store.js';
import { presentLinkStatus } from '../../../base/browser/status-words.js';
import { FailoverBanner, useLinkHealth } from './FailoverBanner.js';

/**
 * Place of the failover banner. While the core reports link health the banner shows it;
 * otherwise this states, from the link view alone, that the link is not healthy, why, and the site's policy; it renders
 * nothing while the link is connected.
 */
export function FailoverSlot() {
  const link = useApp((s) => s.link);
  // The failover banner, a pure function of the core's link health (FailoverBanner.tsx; docs/architecture.md "Link health").
  const health = useLinkHealth();
  if (health) return <FailoverBanner health={health} />;
  if (link.status === 'connected') return <div className="failover-slot" data-region="failover-banner" hidden />;
  const p = presentLinkStatus(link.status);
  return (
    <div className={`failover-slot banner tone-${p.tone}`} data-region="failover-banner" role="alert">
      <span className="status-icon" aria-hidden="true">
        {p.icon}
      </span>
      <strong>{p.word}</strong>
      {link.error ? (
        <>
          <span className="code">{link.error.code}</span>
          <span>{link.error.message}</span>
        </>
      ) : null}
      {link.policy ? (
        <span className="banner-policy">
          Policy: {link.policy.onOperatorLoss}. {link.policy.fallbackInstructions}
        </span>
      ) : null}
    </div>
  );
}
