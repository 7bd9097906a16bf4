import type { LinkStatus, LinkView } from '../../../protocol/api.js';
import type { StatusPresentation } from '../../../base/browser/status-words.js';

const LINK_PRESENTATION: Record<LinkStatus, StatusPresentation> = {
  connected: { word: 'Connected', icon: '●', tone: 'ok' },
  connecting: { word: 'Connecting', icon: '◌', tone: 'info' },
  lost: { word: 'Link lost', icon: '▲', tone: 'bad' },
  refused: { word: 'Refused', icon: '✕', tone: 'bad' },
  disconnected: { word: 'Disconnected', icon: '○', tone: 'neutral' },
};

export function presentLinkStatus(status: LinkStatus): StatusPresentation {
  return LINK_PRESENTATION[status];
}

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
