import { commandSubject, type CollabEventBody, type ScannerSnapshot } from '../../protocol/index.js';
import type { Activity } from './activity.js';

/**
 * One event-log record per collaboration event, in the core's fixed technical phrasing (the
 * renderer's log-words.ts turns it into the technologist's words). Mark paths and chat are
 * content: the log carries the chat line (it is what people read) but never a mark's points.
 */
export function collabActivity(at: string, seq: number, body: CollabEventBody, snapshot: ScannerSnapshot | null): Extract<Activity, { type: 'collab' }> | null {
  const base = { type: 'collab' as const, at, seq, kind: body.kind };
  switch (body.kind) {
    case 'chat':
      return { ...base, level: 'info', text: `chat ${body.entry.from.name} (${body.entry.from.role}): ${body.entry.text}` };
    case 'mark': {
      const { shape, by, sopInstanceUid } = body.mark;
      return { ...base, level: 'info', text: `mark ${shape} by ${by.name} (${by.role}) on ${sopInstanceUid}` };
    }
    case 'marks': {
      const newest = body.marks.at(-1);
      if (!newest) return { ...base, level: 'info', text: `marks cleared on ${body.sopInstanceUid}` };
      return {
        ...base,
        level: 'info',
        text: `mark ${newest.shape} by ${newest.by.name} (${newest.by.role}) on ${body.sopInstanceUid}: ${body.marks.length} on the image`,
      };
    }
    case 'proposal': {
      const p = body.proposal;
      const label = commandSubject(p.command, snapshot);
      const note = p.answer ? `: ${p.answer.note}` : '';
      return {
        ...base,
        level: p.status === 'pending' ? 'info' : p.status === 'accepted' && /refused/.test(note) ? 'warning' : 'info',
        text: `proposal ${p.status} by ${p.by.name} (${p.by.role}): ${p.command.name}${label ? ` "${label}"` : ''}${note}`,
      };
    }
    case 'handover': {
      const h = body.handover;
      return {
        ...base,
        level: h.status === 'cancelled' ? 'warning' : 'info',
        text: `handover ${h.status}: ${h.from.name} -> ${h.to.name}${h.note ? `: ${h.note}` : ''}`,
      };
    }
    case 'plans':
      return { ...base, level: 'info', text: `contingency plans updated (${body.plans.filter((p) => p.text.trim() !== '').length} written)` };
  }
}
