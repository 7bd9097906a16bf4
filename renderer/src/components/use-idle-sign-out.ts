import { useEffect, useRef } from 'react';
import { ErrorCode } from '../../../protocol/errors.js';
import { acquisitionUnderway } from '../../../protocol/scanner.js';
import { idleDecision, idleSignOutWords } from '../logic/idle-sign-out.js';
import { appStore } from '../store/store.js';
import { useMachinePolicy } from './use-machine-policy.js';

/** How often the session checks for idleness: the sign-out lands within this of the policy's time. */
const CHECK_EVERY_MS = 15_000;
const ACTIVITY = ['pointerdown', 'keydown', 'wheel'] as const;

/** Signs the session out after the machine policy's idle time (logic/idle-sign-out.ts). */
export function useIdleSignOut(): void {
  const minutes = useMachinePolicy()?.idleSignOutMinutes ?? null;
  const lastActivity = useRef(Date.now());
  useEffect(() => {
    if (minutes === null) return;
    const touched = () => {
      lastActivity.current = Date.now();
    };
    for (const type of ACTIVITY) window.addEventListener(type, touched, { passive: true });
    const timer = setInterval(() => {
      const state = appStore.getState();
      const acquiring = acquisitionUnderway(state.snapshot?.state);
      if (idleDecision({ idleMinutes: minutes, lastActivityMs: lastActivity.current, nowMs: Date.now(), acquiring }) !== 'sign-out') return;
      void state.disconnect().then(() => appStore.setState({ linkCallError: { code: ErrorCode.IDLE_SIGNED_OUT, message: idleSignOutWords(minutes) } }));
    }, CHECK_EVERY_MS);
    return () => {
      clearInterval(timer);
      for (const type of ACTIVITY) window.removeEventListener(type, touched);
    };
  }, [minutes]);
}
