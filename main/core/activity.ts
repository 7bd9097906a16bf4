import type { LogEntry, NoticeAlarm } from '../../protocol/index.js';
import type { HealthTransition } from './link-supervisor.js';

/**
 * What happened on the workstation, one record per fact. The event log in the UI, the headless
 * recorder's events.jsonl and (later) the journal are all written from this one stream.
 */
export type Activity =
  | { type: 'link'; at: string; status: string; url: string | null; code: string | null; reason: string | null }
  | { type: 'scanner'; at: string; state: string; seq: number; activeSequence: string | null }
  | { type: 'command'; at: string; id: string; name: string }
  /** Sent again with the same id after a reconnect or a restart; `sends` counts every send. */
  | { type: 'resend'; at: string; id: string; name: string; sends: number }
  /** Not resent: its outcome is asked of the gateway (command.status); left by an earlier run, or too old. */
  | { type: 'lookup'; at: string; id: string; name: string; why: 'earlier-run' | 'too-old' }
  /** `recovered`: the outcome arrived after the promise gave up, or after a restart. */
  | { type: 'ack'; at: string; id: string; name: string; outcome: string; code: string | null; reason: string | null; recovered?: boolean }
  | HealthTransition
  /** The call's health changed, as the renderer's media panes judge it. */
  | { type: 'media-health'; at: string; health: 'ok' | 'degraded' | 'failed'; reason: string | null }
  /** A reconnect attempt the gateway refused, and what the next attempt does (main/core/link-supervisor.ts ReconnectRefusal). */
  | { type: 'reconnect-refused'; at: string; code: string; reason: string; next: 'without-secret' | 'later' }
  /** The gateway refused this window a place in the call (the call already full): it is not in it. */
  | { type: 'media-refused'; at: string; code: string; reason: string }
  /** How the event stream continued after a reconnect. */
  | { type: 'resume'; at: string; mode: 'replay' | 'snapshot' | 'restarted'; fromSeq: number; gatewaySeq: number }
  /** `alarm`: the gateway's safety-rule alarm this notice is (protocol/messages.ts NoticeAlarm). */
  | {
      type: 'notice';
      at: string;
      level: 'info' | 'warning' | 'alarm';
      text: string;
      seq: number;
      alarm?: NoticeAlarm;
      /** Sent before this workstation joined (main/core/earlier-notices.ts); `open`: an alarm no one has seen, which the desk raises. */
      earlier?: { open: boolean };
    }
  | { type: 'image'; at: string; seq: number; sopInstanceUid: string; seriesUid: string; transferSyntaxUid: string; bytes: number; source: string }
  | { type: 'image-error'; at: string; seq: number | null; code: string; message: string }
  /** The core stopped reading the link while images waited for the decoder (`held`), or has taken every one since. */
  | { type: 'image-backlog'; at: string; held: boolean; waitingBytes: number }
  | { type: 'protocol-error'; at: string; code: string; message: string }
  /** The journal stopped writing (a full disk), or writes again; `lostRows`: activity rows it dropped meanwhile (Journal.onWriteState). */
  | { type: 'journal'; at: string; state: 'failing' | 'writing'; code: string | null; reason: string | null; lostRows: number }
  /** An alarm on the desk (docs/architecture.md "The desk"): raised, or acknowledged by this workstation's user. */
  | {
      type: 'desk-alarm';
      at: string;
      siteId: string;
      alarmId: string;
      kind: string;
      text: string;
      seq: number | null;
      event: 'raised' | 'acknowledged';
      /** Acknowledged at the gateway, which tells everyone who saw it (gateway/safety/raised-alarms.ts). */
      atGateway?: boolean;
    }
  /** Chat, marks, proposals, handover, plans (main/core/collab-activity.ts writes the text). */
  | { type: 'collab'; at: string; seq: number; kind: string; level: 'info' | 'warning'; text: string };

/** The event-log line the technologist reads for one activity record. */
export function toLogEntry(a: Activity): LogEntry | null {
  switch (a.type) {
    case 'link':
      return {
        at: a.at,
        kind: 'link',
        level: a.status === 'connected' ? 'info' : a.code ? 'alarm' : 'info',
        text: `link ${a.status}${a.url ? ` ${a.url}` : ''}${a.code ? ` (${a.code}: ${a.reason})` : ''}`,
      };
    case 'scanner':
      return {
        at: a.at,
        kind: 'scanner',
        level: a.state === 'aborted' ? 'warning' : 'info',
        text: `scanner ${a.state}${a.activeSequence ? `: ${a.activeSequence}` : ''}`,
      };
    case 'command':
      return { at: a.at, kind: 'command', level: 'info', text: `sent ${a.name}` };
    case 'resend':
      return { at: a.at, kind: 'command', level: 'info', text: `resent ${a.name} (same id, send ${a.sends})` };
    case 'lookup':
      return {
        at: a.at,
        kind: 'command',
        level: 'info',
        text: `asking the gateway whether ${a.name} was applied (${a.why === 'earlier-run' ? 'sent before the workstation restarted' : 'too old to send again'}); it is not resent`,
      };
    case 'ack': {
      const text = a.outcome === 'done' ? `${a.name} done` : `${a.name} refused: ${a.code} ${a.reason ?? ''}`.trim();
      return {
        at: a.at,
        kind: 'ack',
        level: a.outcome === 'done' ? 'info' : 'warning',
        text: a.recovered ? `${text} (outcome recovered from the gateway)` : text,
      };
    }
    case 'health':
      return {
        at: a.at,
        kind: 'health',
        level: a.state === 'lost' || a.state === 'failed' ? 'alarm' : a.state === 'degraded' || a.state === 'reconnecting' ? 'warning' : 'info',
        text: `link ${a.state}${a.route ? ` (${a.route} route)` : ''}: ${a.reason}`,
      };
    case 'resume':
      return {
        at: a.at,
        kind: 'link',
        level: a.mode === 'replay' ? 'info' : 'warning',
        text:
          a.mode === 'replay'
            ? `resumed after event ${a.fromSeq}: missed events replayed`
            : a.mode === 'snapshot'
              ? `events after ${a.fromSeq} are no longer kept by the gateway: fresh scanner snapshot`
              : 'the gateway restarted: fresh scanner snapshot',
      };
    case 'notice':
      return { at: a.at, kind: 'notice', level: a.level, text: a.text, ...(a.alarm ? { alarm: a.alarm } : {}) };
    case 'image':
      // Arrivals show in the series strip; one log line per slice would bury everything else.
      return null;
    case 'media-health':
      return { at: a.at, kind: 'health', level: a.health === 'ok' ? 'info' : 'warning', text: `audio/video ${a.health}${a.reason ? `: ${a.reason}` : ''}` };
    case 'reconnect-refused':
      return {
        at: a.at,
        kind: 'link',
        level: 'warning',
        text:
          a.next === 'without-secret'
            ? `reconnect refused: ${a.code} ${a.reason}: trying again without the resume secret, so control held before the link loss is not taken back`
            : `reconnect refused: ${a.code} ${a.reason}: trying again`,
        error: { code: a.code, message: a.reason },
      };
    case 'media-refused':
      return { at: a.at, kind: 'health', level: 'warning', text: `audio/video refused: ${a.code} ${a.reason}`, error: { code: a.code, message: a.reason } };
    case 'image-error':
      return { at: a.at, kind: 'image', level: 'warning', text: `image refused: ${a.code} ${a.message}`, error: { code: a.code, message: a.message } };
    case 'image-backlog': {
      const mb = Math.round(a.waitingBytes / 1e6);
      return a.held
        ? { at: a.at, kind: 'image', level: 'warning', text: `image intake held: ${mb} MB waiting for the decoder` }
        : { at: a.at, kind: 'image', level: 'info', text: 'image intake caught up: every image held back has been taken' };
    }
    case 'protocol-error':
      return { at: a.at, kind: 'error', level: 'warning', text: `gateway sent a bad frame: ${a.code} ${a.message}` };
    case 'journal':
      return a.state === 'failing'
        ? {
            at: a.at,
            kind: 'error',
            level: 'alarm',
            text: `journal not written (${a.code}: ${a.reason}): commands are still sent, but not kept across a restart, and this log is not kept`,
            error: { code: a.code ?? '', message: a.reason ?? '' },
          }
        : { at: a.at, kind: 'error', level: 'info', text: `journal written again (${a.lostRows} log entries were not kept)` };
    case 'desk-alarm':
      // A raised alarm is in the log already (the notice or the health line that raised it), and so
      // is one acknowledged at the gateway (its notice naming who saw it).
      return a.event === 'acknowledged' && !a.atGateway ? { at: a.at, kind: 'notice', level: 'info', text: `alarm acknowledged: ${a.text}` } : null;
    case 'collab':
      return { at: a.at, kind: 'collab', level: a.level, text: a.text };
  }
}
