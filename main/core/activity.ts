import type { LogEntry } from '../../protocol/index.js';

/**
 * What happened on the workstation, one record per fact. The event log in the UI, the headless
 * recorder's events.jsonl and (later) the journal are all written from this one stream.
 */
export type Activity =
  | { type: 'link'; at: string; status: string; url: string | null; code: string | null; reason: string | null }
  | { type: 'scanner'; at: string; state: string; seq: number; activeSequence: string | null }
  | { type: 'command'; at: string; id: string; name: string }
  | { type: 'ack'; at: string; id: string; name: string; outcome: string; code: string | null; reason: string | null }
  | { type: 'notice'; at: string; level: 'info' | 'warning' | 'alarm'; text: string; seq: number }
  | { type: 'image'; at: string; seq: number; sopInstanceUid: string; seriesUid: string; transferSyntaxUid: string; bytes: number; source: string }
  | { type: 'image-error'; at: string; seq: number | null; code: string; message: string }
  | { type: 'protocol-error'; at: string; code: string; message: string };

/** The event-log line the technologist reads for one activity record. */
export function toLogEntry(a: Activity): LogEntry {
  switch (a.type) {
    case 'link':
      return { at: a.at, kind: 'link', level: a.status === 'connected' ? 'info' : a.code ? 'alarm' : 'info', text: `link ${a.status}${a.url ? ` ${a.url}` : ''}${a.code ? ` (${a.code}: ${a.reason})` : ''}` };
    case 'scanner':
      return { at: a.at, kind: 'scanner', level: a.state === 'aborted' ? 'warning' : 'info', text: `scanner ${a.state}${a.activeSequence ? `: ${a.activeSequence}` : ''}` };
    case 'command':
      return { at: a.at, kind: 'command', level: 'info', text: `sent ${a.name}` };
    case 'ack':
      return { at: a.at, kind: 'ack', level: a.outcome === 'done' ? 'info' : 'warning', text: a.outcome === 'done' ? `${a.name} done` : `${a.name} refused: ${a.code} ${a.reason ?? ''}`.trim() };
    case 'notice':
      return { at: a.at, kind: 'notice', level: a.level, text: a.text };
    case 'image':
      return { at: a.at, kind: 'image', level: 'info', text: `image received (${a.source}, ${Math.round(a.bytes / 1024)} KiB)` };
    case 'image-error':
      return { at: a.at, kind: 'image', level: 'warning', text: `image refused: ${a.code} ${a.message}` };
    case 'protocol-error':
      return { at: a.at, kind: 'error', level: 'warning', text: `gateway sent a bad frame: ${a.code} ${a.message}` };
  }
}
