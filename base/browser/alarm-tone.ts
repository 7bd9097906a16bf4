/**
 * The emergency alarm: a two-tone beep repeated until acknowledged, made with WebAudio so no
 * sound file has to ship. Falling-pitch pairs at 880/660 Hz are in the band IEC 60601-1-8
 * recommends for alarm signals (150-1000 Hz fundamental) and stand out from speech.
 */
export interface AlarmTone {
  /** 'running' when the browser lets it sound, 'suspended' while autoplay is still blocked. */
  readonly state: () => AudioContextState | 'unavailable';
  stop(): void;
}

const BEEP_S = 0.18;
const PERIOD_MS = 1200;

export function startAlarmTone(onState: (state: AudioContextState | 'unavailable') => void = () => undefined): AlarmTone {
  const Context = typeof window !== 'undefined' ? window.AudioContext : undefined;
  if (!Context) {
    onState('unavailable');
    return { state: () => 'unavailable', stop: () => undefined };
  }
  const context = new Context();
  context.onstatechange = () => onState(context.state);
  const beep = () => {
    const start = context.currentTime + 0.01;
    [880, 660].forEach((frequency, k) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = frequency;
      const at = start + k * (BEEP_S + 0.06);
      // Short ramps: a hard-switched square wave clicks.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.15, at + 0.01);
      gain.gain.setValueAtTime(0.15, at + BEEP_S - 0.02);
      gain.gain.linearRampToValueAtTime(0, at + BEEP_S);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + BEEP_S);
    });
  };
  // A page without a user gesture yet starts suspended; any later click or key resumes it.
  const resume = () => void context.resume().catch(() => undefined);
  window.addEventListener('pointerdown', resume, true);
  window.addEventListener('keydown', resume, true);
  void context.resume().catch(() => undefined);
  beep();
  const timer = window.setInterval(beep, PERIOD_MS);
  onState(context.state);
  return {
    state: () => context.state,
    stop: () => {
      window.clearInterval(timer);
      window.removeEventListener('pointerdown', resume, true);
      window.removeEventListener('keydown', resume, true);
      context.onstatechange = null;
      void context.close().catch(() => undefined);
    },
  };
}
