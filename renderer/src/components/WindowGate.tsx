import { useEffect, useRef, useState, type ReactNode } from 'react';
import { WindowClaim, type ClaimState } from '../logic/window-claim.js';

const CHANNEL = 'larmor-workstation-window';

/**
 * Shows the workstation only in the window that holds it (logic/window-claim.ts); the others say
 * so and offer to take it back. Unmounting the session releases the call and the devices.
 */
export function WindowGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<ClaimState>(typeof BroadcastChannel === 'undefined' ? 'active' : 'claiming');
  const claim = useRef<WindowClaim | null>(null);

  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const c = new WindowClaim({ channel: new BroadcastChannel(CHANNEL), onChange: setState });
    claim.current = c;
    c.claim();
    return () => c.close();
  }, []);

  // Runs after the session screen has unmounted (its media effects cleaned up): now hand over.
  useEffect(() => {
    if (state === 'displaced') claim.current?.released();
  }, [state]);

  if (state === 'displaced') {
    return (
      <main className="fatal window-displaced" role="alert" data-testid="window-displaced">
        <h1>Larmor workstation opened in another window</h1>
        <p>
          This workstation is in use in another window or tab. This window has released the camera, microphone and call, so the patient and the scanner room
          hear only one of you.
        </p>
        <p>
          {/* The other window took over this workstation's bridge to its core as well; loading this
              page again opens a fresh bridge and claims the window, as opening it did. */}
          <button type="button" className="primary" data-testid="window-take-back" onClick={() => window.location.reload()}>
            Use this window instead
          </button>
        </p>
      </main>
    );
  }
  if (state === 'claiming') {
    return (
      <p className="waiting" role="status" data-testid="window-claiming">
        Checking that no other window of this workstation is open…
      </p>
    );
  }
  return <>{children}</>;
}
