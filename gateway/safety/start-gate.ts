import { ErrorCode } from '../../protocol/errors.js';

export interface StartContext {
  /** Name of the operator asking to start (or resume). */
  operator: string;
  onsiteCheckedIn: boolean;
  onsiteConsoleAlive: boolean;
  checklistRequired: boolean;
  checklistConfirmed: boolean;
  /** Operator who started the acquisition now running or paused, if any. */
  activeStartedBy: string | null;
  /** Resuming a paused acquisition is a start as far as the patient is concerned. */
  resuming: boolean;
}

export interface Refusal {
  code: string;
  reason: string;
}

/**
 * Safety rules 1 and 3 (docs/architecture.md "Safety rules"), checked by the gateway before the scanner sees a start:
 * a checked-in onsite person whose console is alive, the exam checklist confirmed, and at most
 * one active acquisition per remote operator (ACR). Returns why not, or null.
 */
export function refuseAcquisitionStart(ctx: StartContext): Refusal | null {
  if (!ctx.onsiteCheckedIn) {
    return { code: ErrorCode.ONSITE_NOT_PRESENT, reason: 'no onsite technologist is checked in: an acquisition needs someone with the patient' };
  }
  if (!ctx.onsiteConsoleAlive) {
    return { code: ErrorCode.ONSITE_NOT_PRESENT, reason: 'the onsite console is not responding: nothing starts until its link is back' };
  }
  if (!ctx.resuming && ctx.checklistRequired && !ctx.checklistConfirmed) {
    return { code: ErrorCode.CHECKLIST_INCOMPLETE, reason: 'the onsite screening and positioning checklist is not confirmed for this exam' };
  }
  if (!ctx.resuming && ctx.activeStartedBy === ctx.operator) {
    return { code: ErrorCode.ACQUISITION_ACTIVE, reason: `${ctx.operator} already has an acquisition running: one at a time per remote operator` };
  }
  return null;
}
