import type { LogEntry } from '../../../protocol/api.js';
import { CommandLabels, plainWords } from '../logic/log-words.js';
import type { SliceCreator } from './types.js';

/** A shift's worth of events; older ones stay in the core's journal. */
export const LOG_CAPACITY = 1000;

/** A log entry with its headline in the technologist's words (logic/log-words.ts). */
export interface ShownLogEntry extends LogEntry {
  words: string;
}

export interface LogSlice {
  /** Oldest first, newest last (the order the log panel shows). */
  log: ShownLogEntry[];
  /** What each command in flight acts on ("T2 TSE axial"), for its log lines. */
  commandLabels: CommandLabels;
  appendLog(entry: LogEntry): void;
}

export const createLogSlice: SliceCreator<LogSlice> = (set, get) => ({
  log: [],
  commandLabels: new CommandLabels(),
  appendLog: (entry) => {
    const current = get().log;
    const next = current.length >= LOG_CAPACITY ? current.slice(current.length - LOG_CAPACITY + 1) : current.slice();
    next.push({ ...entry, words: plainWords(entry, get().commandLabels) });
    set({ log: next });
  },
});
