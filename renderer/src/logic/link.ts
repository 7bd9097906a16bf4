import type { LinkView } from '../../../protocol/api.js';

export type Screen = 'connect' | 'session';

/**
 * Which screen the window shows. Once a session has a scanner snapshot it stays on the session
 * screen through a lost link or a reconnect, so the technologist keeps the queue and progress in
 * view; only a user disconnect or a refusal goes back to the connect screen.
 */
export function screenFor(link: Pick<LinkView, 'status'>, hasSnapshot: boolean): Screen {
  switch (link.status) {
    case 'connected':
      return 'session';
    case 'lost':
    case 'connecting':
      return hasSnapshot ? 'session' : 'connect';
    case 'refused':
    case 'disconnected':
      return 'connect';
  }
}
