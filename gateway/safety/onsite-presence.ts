import { CHECKLIST_ITEMS, type ChecklistItem, type CredentialLevel, type OnsitePresence, type OnsiteStatus } from '../../protocol/index.js';

/**
 * Who is with the patient (IAC: a registered technologist at all times), the exam checklist
 * they confirmed, and the last emergency stop. One presence at a time: the person who checked in
 * is the one responsible until they check out or their console goes away.
 */
export class OnsitePresenceBook {
  private presence: OnsitePresence | null = null;
  private checklist: OnsiteStatus['checklist'] = { studyUid: null, confirmedBy: null, confirmedAt: null };
  private lastEmergency: OnsiteStatus['lastEmergency'] = null;

  get current(): OnsitePresence | null {
    return this.presence;
  }

  checkIn(sessionId: string, name: string, credential: CredentialLevel, at = new Date()): OnsitePresence {
    this.presence = { sessionId, name, credential, checkedInAt: at.toISOString() };
    return this.presence;
  }

  /** Clears presence when `sessionId` holds it; returns whether it did. */
  checkOut(sessionId: string): boolean {
    if (this.presence?.sessionId !== sessionId) return false;
    this.presence = null;
    return true;
  }

  isCheckedIn(sessionId: string): boolean {
    return this.presence?.sessionId === sessionId;
  }

  /** The items still missing from a confirmation; empty when it covers the whole checklist. */
  static missingItems(items: readonly ChecklistItem[]): ChecklistItem[] {
    return CHECKLIST_ITEMS.filter((i) => !items.includes(i));
  }

  confirmChecklist(studyUid: string, by: string, at = new Date()): void {
    this.checklist = { studyUid, confirmedBy: by, confirmedAt: at.toISOString() };
  }

  /** The checklist is per exam: a confirmation for another study does not count. */
  checklistConfirmedFor(studyUid: string | null): boolean {
    return studyUid !== null && this.checklist.studyUid === studyUid;
  }

  /** An emergency stop pressed by `by`, with the reason they gave if any; `at` when it was pressed. */
  recordEmergency(by: string, reason: string | undefined, at = new Date()): void {
    this.lastEmergency = { at: at.toISOString(), by, reason: emergencyStopReason(by, reason) };
  }

  status(consoleAlive: boolean, operatorLoss: OnsiteStatus['operatorLoss']): OnsiteStatus {
    return { presence: this.presence, consoleAlive, checklist: { ...this.checklist }, lastEmergency: this.lastEmergency, operatorLoss };
  }
}

/** Why the scan stopped, as the snapshot's `lastEmergency` and the scanner's stop give it. */
export function emergencyStopReason(by: string, reason: string | undefined): string {
  return `emergency stop by ${by} (onsite)${reason ? `: ${reason}` : ''}`;
}
