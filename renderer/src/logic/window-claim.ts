/**
 * One workstation, one window: every window of this workstation (same origin, so the same core
 * and the same gateway session) talks on one BroadcastChannel, and only the window that claimed
 * last is active. A newly opened window takes over; the one it replaces shows "opened in another
 * window" and releases its camera, microphone and media peer, so the gateway never sees two media
 * peers for one participant.
 *
 * Hand-over order matters: the old window leaves the media room before the new one joins (a
 * leave that arrived after the join would take the new window out of the call), so the new
 * window waits for "released", or for silence when no other window is open.
 */
export type ClaimState = 'claiming' | 'active' | 'displaced';

type ClaimMessage = { type: 'claim'; from: string } | { type: 'releasing' | 'released'; from: string; to: string };

interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface WindowClaimOptions {
  channel: ChannelLike;
  onChange: (state: ClaimState) => void;
  /** How long a new window waits for an answer before taking over alone. */
  answerWaitMs?: number;
  /** Extra time after "released" for the old window's media leave to reach the gateway first. */
  settleMs?: number;
  /** Longest wait for a window that said it is releasing (a hung window must not block for ever). */
  releaseWaitMs?: number;
  id?: string;
}

export class WindowClaim {
  private state: ClaimState = 'claiming';
  private readonly id: string;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Set while displaced by that window: our "released" goes to it once media is down. */
  private displacedBy: string | null = null;

  constructor(private readonly options: WindowClaimOptions) {
    this.id = options.id ?? Math.random().toString(36).slice(2);
    options.channel.addEventListener('message', (event) => this.receive(event.data as ClaimMessage));
  }

  get current(): ClaimState {
    return this.state;
  }

  /** Take over (on open, or when the user asks to use this window again). */
  claim(): void {
    this.set('claiming');
    this.options.channel.postMessage({ type: 'claim', from: this.id } satisfies ClaimMessage);
    this.after(this.options.answerWaitMs ?? 400, () => this.set('active'));
  }

  /** Called by the displaced window once its media is released (after its session screen unmounted). */
  released(): void {
    if (this.state !== 'displaced' || !this.displacedBy) return;
    this.options.channel.postMessage({ type: 'released', from: this.id, to: this.displacedBy } satisfies ClaimMessage);
    this.displacedBy = null;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.options.channel.close();
  }

  private receive(message: ClaimMessage): void {
    if (!message || message.from === this.id) return;
    if (message.type === 'claim') {
      if (this.timer) clearTimeout(this.timer);
      this.displacedBy = message.from;
      // Answer at once, so the new window waits for our media to go down rather than for silence.
      this.options.channel.postMessage({ type: 'releasing', from: this.id, to: message.from } satisfies ClaimMessage);
      this.set('displaced');
    } else if (message.type === 'releasing' && message.to === this.id && this.state === 'claiming') {
      this.after(this.options.releaseWaitMs ?? 3000, () => this.set('active'));
    } else if (message.type === 'released' && message.to === this.id && this.state === 'claiming') {
      this.after(this.options.settleMs ?? 250, () => this.set('active'));
    }
  }

  private after(ms: number, then: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      then();
    }, ms);
  }

  private set(state: ClaimState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onChange(state);
  }
}
