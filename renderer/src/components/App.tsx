import { useApp } from '../store/store.js';
import { screenFor } from '../logic/link.js';
import { API_MISSING } from '../store/types.js';
import { ConnectScreen } from './ConnectScreen.js';
import { SessionScreen } from './SessionScreen.js';
import { WindowGate } from './WindowGate.js';
import { deskHoldsSession } from '../desk/desk-session.js';

export function App({ apiAvailable }: { apiAvailable: boolean }) {
  const status = useApp((s) => s.link.status);
  const hasSnapshot = useApp((s) => s.snapshot !== null);
  const deskSession = useApp((s) => deskHoldsSession(s.desk));
  if (!apiAvailable) {
    return (
      <main className="fatal" role="alert">
        <h1>Larmor workstation</h1>
        <p className="error-line">
          <span className="code">{API_MISSING.code}</span> {API_MISSING.message}
        </p>
      </main>
    );
  }
  return <WindowGate>{deskSession || screenFor({ status }, hasSnapshot) === 'session' ? <SessionScreen /> : <ConnectScreen />}</WindowGate>;
}
