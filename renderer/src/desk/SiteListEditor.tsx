import { useId, useState, type KeyboardEvent } from 'react';
import type { SiteEntry } from '../../../protocol/desk.js';
import { addSite } from './site-list.js';
import { GatewayUrlInput } from '../components/GatewayUrlInput.js';
import './desk.css';

/**
 * The desk's site list on the connect screen: the scanners this sign-in reaches, and, unless IT
 * fixed the list by policy, a small editor to add or remove one (kept in this browser's storage).
 */
export function SiteListEditor({ sites, fixedBy, onChange }: { sites: SiteEntry[]; fixedBy: string | null; onChange: (sites: SiteEntry[]) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const ids = { name: useId(), url: useId(), list: useId() };

  function add() {
    const result = addSite(sites, name, url);
    if ('errors' in result) {
      setErrors(result.errors);
      return;
    }
    setErrors([]);
    setName('');
    setUrl('');
    onChange(result.sites);
  }
  // Enter in the editor adds the site; it must not submit the sign-in form around it.
  const onEnter = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  };

  return (
    <div className="site-list" data-testid="site-list">
      <span className="label-like" id={ids.list}>
        Scanners on your desk{fixedBy ? ' (set by your IT department)' : ''}
      </span>
      {sites.length === 0 ? (
        <p className="empty-note">No scanners yet: add each site’s gateway below.</p>
      ) : (
        <ol className="site-rows" aria-labelledby={ids.list}>
          {sites.map((site, index) => (
            <li key={site.id} className="site-row" data-testid="site-row" data-site-id={site.id}>
              <span className="site-index mono">{index + 1}</span>
              <strong className="site-name">{site.name}</strong>
              <span className="site-url mono" title={site.url}>
                {site.url}
              </span>
              {fixedBy ? null : (
                <button type="button" className="small" onClick={() => onChange(sites.filter((s) => s.id !== site.id))} data-testid="site-remove">
                  Remove<span className="sr-only"> {site.name}</span>
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {fixedBy ? null : (
        <div className="site-add">
          <div className="form-field">
            <label htmlFor={ids.name}>Scanner name</label>
            <input
              id={ids.name}
              data-testid="site-add-name"
              type="text"
              maxLength={64}
              placeholder="St. Olav MR-2"
              value={name}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={onEnter}
            />
          </div>
          <div className="form-field grow">
            <label htmlFor={ids.url}>Gateway URL</label>
            <GatewayUrlInput id={ids.url} testId="site-add-url" value={url} onChange={setUrl} onKeyDown={onEnter} />
          </div>
          <button type="button" onClick={add} data-testid="site-add">
            Add
          </button>
        </div>
      )}
      {errors.length > 0 ? (
        <ul className="form-errors" role="alert">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
