import { useApp } from '../store/store.js';
import { presentLinkStatus, presentScannerState } from '../../../base/browser/status-words.js';
import { formatPersonName } from '../../../base/common/person-name.js';
import { StatusTag } from '../../../base/browser/StatusTag.js';
import { useLinkHealth } from './FailoverBanner.js';
import { LinkHealthGraph } from './LinkHealthGraph.js';
import { deskShown, focusedTile } from '../desk/desk-session.js';

export function SessionHeader() {
  const link = useApp((s) => s.link);
  const site = useApp((s) => s.snapshot?.site ?? null);
  const state = useApp((s) => s.snapshot?.state ?? null);
  const exam = useApp((s) => s.snapshot?.exam ?? null);
  const timeScale = useApp((s) => s.snapshot?.timeScale ?? 1);
  const disconnect = useApp((s) => s.disconnect);
  const pending = useApp((s) => s.linkCallPending);
  // On a desk, disconnecting leaves every scanner (the core closes all its links).
  const onDesk = useApp((s) => deskShown(s.desk));
  // On a desk the scanner goes by its name on the site list (the gateway's own name is in the tooltip).
  const deskSiteName = useApp((s) => (deskShown(s.desk) ? (focusedTile(s.desk)?.site.name ?? null) : null));
  const linkPresentation = presentLinkStatus(link.status);
  const health = useLinkHealth(); // live RTT/loss graph next to the link indicator (docs/architecture.md "Link health")

  return (
    <header className="session-header">
      <span className="brand">Larmor</span>
      <span
        className="header-site"
        title={deskSiteName && site ? `${deskSiteName} (the gateway calls itself ${site.name})` : 'Site and scanner'}
        data-testid="header-site"
      >
        {site ? (
          <>
            <strong>{deskSiteName ?? site.name}</strong>
            <span className="sep">/</span>
            {site.scanner}
            <span className="muted"> {site.fieldStrengthT} T</span>
          </>
        ) : (
          <span className="muted">No scanner</span>
        )}
      </span>
      {state ? <StatusTag presentation={presentScannerState(state)} testId="scanner-state" title="Scanner state" /> : null}
      {timeScale !== 1 ? (
        <span className="status-tag tone-info" title="The gateway runs acquisitions faster than real time">
          <span className="status-icon" aria-hidden="true">
            »
          </span>
          <span className="status-word">Simulated ×{timeScale}</span>
        </span>
      ) : null}
      <span
        className="header-exam"
        title={exam ? `Exam: ${formatPersonName(exam.patient.name)}, ${exam.patient.id}${exam.description ? `, ${exam.description}` : ''}` : 'No exam open'}
      >
        {exam ? (
          <>
            <span className="muted">Exam</span> <strong>{formatPersonName(exam.patient.name)}</strong>
            <span className="sep">·</span>
            <span className="mono">{exam.patient.id}</span>
            {exam.description ? (
              <>
                <span className="sep">·</span>
                {exam.description}
              </>
            ) : null}
          </>
        ) : (
          <span className="muted">No exam open</span>
        )}
      </span>
      <span className="header-right">
        <span className="link-indicator" title={link.url ?? undefined}>
          <span className="muted">Link</span>
          <StatusTag presentation={linkPresentation} testId="link-status" />
          {health ? <LinkHealthGraph health={health} /> : null}
        </span>
        {link.role ? (
          <span className={`role-badge role-${link.role}`} data-testid="role-badge">
            {link.role === 'operator' ? 'Operator' : link.role === 'observer' ? 'Observer' : 'Onsite'}
          </span>
        ) : null}
        <span className="user-name" title={`Signed in as ${link.name ?? 'nobody'}`}>
          <span className="muted">as</span> {link.name ?? '—'}
        </span>
        <button type="button" className="small" onClick={() => void disconnect()} disabled={pending} data-testid="disconnect">
          {onDesk ? 'Disconnect all' : 'Disconnect'}
        </button>
      </span>
    </header>
  );
}
