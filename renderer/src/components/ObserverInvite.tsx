import { useState } from 'react';
import { useApp } from '../store/store.js';
import { observerInvitation } from '../logic/connect-defaults.js';

/** Copies a "join as observer" invitation for this gateway (a trainer joins from their own workstation). */
export function ObserverInvite() {
  const url = useApp((s) => s.link.url);
  const [copied, setCopied] = useState<'copied' | 'select' | null>(null);
  if (!url) return null;
  const invitation = observerInvitation(url);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(invitation.text);
      setCopied('copied');
    } catch {
      // No clipboard permission (e.g. a plain browser tab): show the text to copy by hand.
      setCopied('select');
    }
  };
  return (
    <div className="observer-invite">
      <button
        type="button"
        className="small"
        data-testid="observer-invite-copy"
        title="Copy an invitation for a trainer to watch this session as an observer"
        onClick={() => void copy()}
      >
        Copy observer invitation
      </button>
      {copied === 'copied' ? (
        <span className="tone-ok" role="status">
          ✓ Copied
        </span>
      ) : null}
      {copied === 'select' ? (
        <textarea
          className="observer-invite-text"
          data-testid="observer-invite-text"
          aria-label="Observer invitation to copy"
          readOnly
          value={invitation.text}
          onFocus={(e) => e.currentTarget.select()}
        />
      ) : null}
    </div>
  );
}
