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
  /**
   * Several entries, oldest first, in one store update: a batch pushed by the core (protocol/api.ts
   * `log`) renders once, however many entries it holds.
   */
  appendLogs(entries: readonly LogEntry[]): void;
}

export const createLogSlice: SliceCreator<LogSlice> = (set, get) => ({
  log: [],
  commandLabels: new CommandLabels(),
  appendLog: (entry) => get().appendLogs([entry]),
  appendLogs: (entries) => {
    if (entries.length === 0) return;
    const labels = get().commandLabels;
    // Worded in order: a command's label is learnt from its own entry, before its outcome's.
    const shown = entries.map((entry) => ({ ...entry, words: plainWords(entry, labels) }));
    const current = get().log;
    const keep = Math.max(0, LOG_CAPACITY - shown.length);
    const next = current.slice(Math.max(0, current.length - keep)).concat(shown.slice(Math.max(0, shown.length - LOG_CAPACITY)));
    set({ log: next });
  },
});
