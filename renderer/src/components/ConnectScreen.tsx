import { useEffect, useId, useState, type FormEvent } from 'react';
import { presentLinkStatus } from '../../../base/browser/status-words.js';
import { ConnectRequest } from '../../../protocol/api.js';
import { DeskConnectRequest } from '../../../protocol/desk.js';
import { useApp } from '../store/store.js';
import { loadConnectDefaults, rememberConnectValues, type KeyValueStore, type WorkstationRole } from '../logic/connect-defaults.js';
import { StatusTag } from '../../../base/browser/StatusTag.js';
import { allowedChoice, useMachinePolicy } from './use-machine-policy.js';
import { useSiteList } from '../desk/use-site-list.js';
import { SiteListEditor } from '../desk/SiteListEditor.js';
import { initialConnectMode } from '../desk/site-list.js';
import { GatewayUrlInput } from './GatewayUrlInput.js';
import { presentTileLink } from '../desk/tile-words.js';

function browserStorage(): KeyValueStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function ConnectScreen() {
  const link = useApp((s) => s.link);
  const callError = useApp((s) => s.linkCallError);
  const pending = useApp((s) => s.linkCallPending);
  const connect = useApp((s) => s.connect);
  const connectDesk = useApp((s) => s.connectDesk);
  const deskPending = useApp((s) => s.deskCallPending);
  const deskError = useApp((s) => s.deskCallError);
  const desk = useApp((s) => s.desk);
  const [defaults] = useState(() => loadConnectDefaults(window.location.search, browserStorage()));
  const [url, setUrl] = useState(defaults.url);
  const [role, setRole] = useState<WorkstationRole>(defaults.role);
  const [user, setUser] = useState(defaults.name);
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [token, setToken] = useState('');
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const ids = { url: useId(), role: useId(), user: useId(), password: useId(), totp: useId(), token: useId() };
  // Machine policy (set by IT): only the allowed gateways and roles are offered.
  const policy = useMachinePolicy();
  const allowedUrls = policy?.allowedGatewayUrls ?? null;
  const allowedRoles = policy?.allowedRoles ?? null;
  // The desk (several scanners, one sign-in) when this shell has one; one gateway URL otherwise.
  const hasDesk = window.larmor?.desk !== undefined;
  const siteList = useSiteList(policy, window.location.search, browserStorage());
  const [modeChoice, setMode] = useState<'desk' | 'single' | null>(null);
  const mode = !hasDesk ? 'single' : (modeChoice ?? initialConnectMode(window.location.search, siteList.sites.length, siteList.fixedBy !== null));
  useEffect(() => {
    setUrl((current) => allowedChoice(current, allowedUrls));
    setRole((current) =>
      allowedChoice<WorkstationRole>(
        current,
        allowedRoles?.filter((r): r is WorkstationRole => r !== 'onsite'),
      ),
    );
  }, [allowedUrls, allowedRoles]);

  const connecting = pending || deskPending || link.status === 'connecting';
  const linkError = link.status === 'refused' || link.status === 'lost' || link.status === 'disconnected' ? link.error : null;

  function submitDesk() {
    const parsed = DeskConnectRequest.safeParse({
      sites: siteList.sites,
      role,
      user: user.trim(),
      password,
      ...(totp.trim() !== '' ? { totp: totp.trim() } : {}),
      ...(token !== '' ? { token } : {}),
    });
    if (!parsed.success || user.trim() === '' || password === '') {
      const issues = parsed.success
        ? []
        : parsed.error.issues
            .filter((issue) => issue.path[0] !== 'sites' || siteList.sites.length > 0)
            .map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`);
      if (siteList.sites.length === 0) issues.unshift('Add at least one scanner to your desk');
      if (user.trim() === '') issues.unshift('Enter your user name');
      if (password === '') issues.unshift('Enter your password');
      setFormErrors(issues);
      return;
    }
    setFormErrors([]);
    rememberConnectValues(browserStorage(), { url, role, name: user.trim() });
    setPassword('');
    void connectDesk(parsed.data);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (mode === 'desk') {
      submitDesk();
      return;
    }
    const parsed = ConnectRequest.safeParse({
      url: url.trim(),
      role,
      user: user.trim(),
      password,
      ...(totp.trim() !== '' ? { totp: totp.trim() } : {}),
      ...(token !== '' ? { token } : {}),
    });
    if (!parsed.success || user.trim() === '' || password === '') {
      const issues = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`);
      if (user.trim() === '') issues.unshift('Enter your user name');
      if (password === '') issues.unshift('Enter your password');
      setFormErrors(issues);
      return;
    }
    setFormErrors([]);
    rememberConnectValues(browserStorage(), { url: parsed.data.url, role, name: user.trim() });
    // The password goes to the workstation core once, for sign-in; the form forgets it.
    setPassword('');
    void connect(parsed.data);
  }

  return (
    <main className="connect-screen">
      <form className="connect-card panel" onSubmit={submit} aria-labelledby="connect-title" noValidate>
        <header className="connect-head">
          <h1 id="connect-title">
            <span className="brand">Larmor</span> remote scanning workstation
          </h1>
          <StatusTag presentation={presentLinkStatus(link.status)} testId="link-status" />
        </header>
        {hasDesk ? (
          <fieldset className="connect-mode">
            <legend className="label-like">Connect to</legend>
            <label>
              <input type="radio" name="connect-mode" value="desk" checked={mode === 'desk'} onChange={() => setMode('desk')} data-testid="connect-mode-desk" />
              All scanners on my desk ({siteList.sites.length})
            </label>
            <label>
              <input
                type="radio"
                name="connect-mode"
                value="single"
                checked={mode === 'single'}
                onChange={() => setMode('single')}
                data-testid="connect-mode-single"
              />
              One gateway
            </label>
          </fieldset>
        ) : null}
        {mode === 'desk' ? <SiteListEditor sites={siteList.sites} fixedBy={siteList.fixedBy} onChange={siteList.edit} /> : null}
        {mode === 'single' ? <label htmlFor={ids.url}>Gateway URL</label> : null}
        {mode === 'desk' ? null : allowedUrls ? (
          <select id={ids.url} data-testid="connect-url" value={url} onChange={(e) => setUrl(e.target.value)} title="Set by your IT department">
            {allowedUrls.map((allowed) => (
              <option key={allowed} value={allowed}>
                {allowed}
              </option>
            ))}
          </select>
        ) : (
          <GatewayUrlInput id={ids.url} testId="connect-url" value={url} onChange={setUrl} />
        )}
        <div className="form-row">
          <div className="form-field">
            <label htmlFor={ids.role}>Role</label>
            <select id={ids.role} data-testid="connect-role" value={role} onChange={(e) => setRole(e.target.value as WorkstationRole)}>
              {!allowedRoles || allowedRoles.includes('operator') ? <option value="operator">Operator (remote technologist)</option> : null}
              {!allowedRoles || allowedRoles.includes('observer') ? <option value="observer">Observer (trainer / trainee)</option> : null}
            </select>
          </div>
          <div className="form-field grow">
            <label htmlFor={ids.user}>User name</label>
            <input
              id={ids.user}
              data-testid="connect-user"
              type="text"
              autoComplete="username"
              spellCheck={false}
              maxLength={64}
              value={user}
              onChange={(e) => setUser(e.target.value)}
            />
          </div>
        </div>
        <div className="form-row">
          <div className="form-field grow">
            <label htmlFor={ids.password}>Password</label>
            <input
              id={ids.password}
              data-testid="connect-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <div className="form-field">
            <label htmlFor={ids.totp}>Authenticator code (if asked)</label>
            <input
              id={ids.totp}
              data-testid="connect-totp"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
            />
          </div>
        </div>
        <label htmlFor={ids.token}>Site access token (if the site requires one)</label>
        <input id={ids.token} data-testid="connect-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        {formErrors.length > 0 ? (
          <ul className="form-errors" role="alert">
            {formErrors.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        ) : null}
        {mode === 'desk' && desk ? (
          <ul className="desk-site-errors" data-testid="desk-site-errors">
            {desk.tiles
              .filter((tile) => tile.error)
              .map((tile) => (
                <li key={tile.site.id} className="error-line">
                  <strong>{tile.site.name}</strong> <span>{presentTileLink(tile).word}</span>
                  <span className="code">{tile.error!.code}</span>
                  <span>{tile.error!.message}</span>
                </li>
              ))}
          </ul>
        ) : null}
        {mode === 'desk' && deskError ? (
          <p className="error-line" role="alert" data-testid="connect-error">
            <span className="code">{deskError.code}</span>
            <span>{deskError.message}</span>
          </p>
        ) : null}
        {mode === 'single' && (linkError || callError) ? (
          <p className="error-line" role="alert" data-testid="connect-error">
            <span className="status-icon" aria-hidden="true">
              ✕
            </span>
            <span className="code">{(linkError ?? callError)!.code}</span>
            <span>{(linkError ?? callError)!.message}</span>
          </p>
        ) : null}
        <div className="connect-actions">
          <button type="submit" className="primary" data-testid="connect-submit" disabled={connecting}>
            {connecting
              ? 'Signing in…'
              : mode === 'desk'
                ? `Sign in to ${siteList.sites.length === 1 ? '1 scanner' : `${siteList.sites.length} scanners`}`
                : 'Sign in and connect'}
          </button>
          {connecting ? <span className="muted">Waiting for the gateway to check your account and answer the handshake</span> : null}
        </div>
      </form>
    </main>
  );
}
