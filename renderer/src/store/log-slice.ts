import type { LogEntry } from '../../../protocol/api.js';
import type { SliceCreator } from './types.js';

/** A shift's worth of events; older ones stay in the core's journal. */
export const LOG_CAPACITY = 1000;

export interface LogSlice {
  /** Oldest first, newest last (the order the log panel shows). */
  log: LogEntry[];
  appendLog(entry: LogEntry): void;
}

export const createLogSlice: SliceCreator<LogSlice> = (set, get) => ({
  log: [],
  appendLog: (entry) => {
    const current = get().log;
    const next = current.length >= LOG_CAPACITY ? current.slice(current.length - LOG_CAPACITY + 1) : current.slice();
    next.push(entry);
    set({ log: next });
  },
});
