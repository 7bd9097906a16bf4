/**
 * The words and glyphs that say a state, shared by the workstation and the onsite console so
 * that both say "Ready", the word a technologist uses, never the protocol's "sequence-queued".
 */
import type { LinkStatus } from '../../protocol/api.js';
import type { ScannerState, SequenceStatus } from '../../protocol/scanner.js';

type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';

export interface StatusPresentation {
  /** The word; colour never carries the state alone. */
  word: string;
  /** A glyph that differs in shape between states (for colour-blind users). */
  icon: string;
  tone: Tone;
}

const SCANNER_STATE: Record<ScannerState, StatusPresentation> = {
  idle: { word: 'Idle', icon: '○', tone: 'neutral' },
  'exam-open': { word: 'Exam open', icon: '◇', tone: 'neutral' },
  'sequence-queued': { word: 'Ready', icon: '◆', tone: 'neutral' },
  acquiring: { word: 'Acquiring', icon: '▶', tone: 'info' },
  paused: { word: 'Paused', icon: '❚❚', tone: 'warn' },
  completed: { word: 'Completed', icon: '✓', tone: 'ok' },
  aborted: { word: 'Aborted', icon: '■', tone: 'warn' },
};

export function presentScannerState(state: ScannerState): StatusPresentation {
  return SCANNER_STATE[state];
}

const SEQUENCE_STATUS: Record<SequenceStatus, StatusPresentation> = {
  queued: { word: 'queued', icon: '○', tone: 'neutral' },
  acquiring: { word: 'running', icon: '▶', tone: 'info' },
  paused: { word: 'paused', icon: '❚❚', tone: 'warn' },
  completed: { word: 'done', icon: '✓', tone: 'ok' },
  aborted: { word: 'aborted', icon: '■', tone: 'warn' },
};

export function presentSequenceStatus(status: SequenceStatus): StatusPresentation {
  return SEQUENCE_STATUS[status];
}

const LINK_STATUS: Record<LinkStatus, StatusPresentation> = {
  connected: { word: 'Connected', icon: '●', tone: 'ok' },
  connecting: { word: 'Connecting', icon: '◌', tone: 'info' },
  lost: { word: 'Link lost', icon: '▲', tone: 'bad' },
  refused: { word: 'Refused', icon: '✕', tone: 'bad' },
  disconnected: { word: 'Disconnected', icon: '○', tone: 'neutral' },
};

export function presentLinkStatus(status: LinkStatus): StatusPresentation {
  return LINK_STATUS[status];
}
