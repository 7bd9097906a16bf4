import { useEffect, useState } from 'react';
import { startAlarmTone } from './alarm-tone.js';

/**
 * Sounds the alarm tone while `active`; a new `occurrence` (a second emergency, say) restarts it.
 * Returns what the page can tell the user: 'silent', 'running', 'suspended' (the browser blocks
 * sound until the page is clicked) or 'unavailable'.
 */
export function useAlarmTone(active: boolean, occurrence?: unknown): string {
  const [sound, setSound] = useState<string>('silent');
  useEffect(() => {
    if (!active) return;
    const tone = startAlarmTone(setSound);
    return () => {
      tone.stop();
      setSound('silent');
    };
  }, [active, occurrence]);
  return sound;
}
