import { z } from 'zod';

/**
 * The onsite side of a session (README "Roles and safety", IAC Nov 2024): the registered technologist
 * who stays with the patient owns presence, screening and positioning, who may control the
 * scanner remotely, and the emergency stop. These are the messages and the state it works with.
 */

/** ACR / IAC credential levels of the person checked in at the scanner. */
export const CredentialLevel = z.enum(['registered-technologist', 'mr-safety-technologist', 'level-2-mr-personnel', 'level-1-mr-personnel']);
export type CredentialLevel = z.infer<typeof CredentialLevel>;

export const CREDENTIAL_WORDS: Record<CredentialLevel, string> = {
  'registered-technologist': 'Registered technologist',
  'mr-safety-technologist': 'MR safety technologist',
  'level-2-mr-personnel': 'Level 2 MR personnel',
  'level-1-mr-personnel': 'Level 1 MR personnel',
};

/** The exam checklist the onsite person confirms before the first acquisition (ACR MR safety screening). */
export const ChecklistItem = z.enum([
  'screening-form-reviewed',
  'implants-cleared',
  'metal-removed',
  'hearing-protection',
  'positioning-and-coil',
  'call-button-given',
]);
export type ChecklistItem = z.infer<typeof ChecklistItem>;
export const CHECKLIST_ITEMS: readonly ChecklistItem[] = ChecklistItem.options;

export const CHECKLIST_WORDS: Record<ChecklistItem, string> = {
  'screening-form-reviewed': 'MR screening form reviewed and signed',
  'implants-cleared': 'Implants and devices cleared (or none)',
  'metal-removed': 'Metal, cards and devices removed',
  'hearing-protection': 'Hearing protection in place',
  'positioning-and-coil': 'Patient positioned, coil connected, landmark set',
  'call-button-given': 'Call button in the patient’s hand',
};

/** What the onsite console asks of the gateway. Answered with an `ack` carrying the same id. */
export const OnsiteAction = z.discriminatedUnion('name', [
  z.object({ name: z.literal('presence.check-in'), credential: CredentialLevel }),
  z.object({ name: z.literal('presence.check-out') }),
  /** Confirms the whole checklist for the open exam; every item must be listed. */
  z.object({ name: z.literal('checklist.confirm'), items: z.array(ChecklistItem).max(16) }),
  z.object({ name: z.literal('control.grant'), sessionId: z.string().min(1).max(64) }),
  z.object({ name: z.literal('control.revoke') }),
  /** Always honoured, from any onsite console, checked in or not. */
  z.object({ name: z.literal('emergency.stop'), reason: z.string().max(200).optional() }),
  /** Onsite staff need the remote technologist now (no scan is stopped): an alarm on every workstation. */
  z.object({ name: z.literal('help.call'), reason: z.string().max(200).optional() }),
]);
export type OnsiteAction = z.infer<typeof OnsiteAction>;

export const OnsiteMessage = z.object({
  type: z.literal('onsite'),
  id: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  action: OnsiteAction,
});
export type OnsiteMessage = z.infer<typeof OnsiteMessage>;

export const OnsitePresence = z.object({
  sessionId: z.string(),
  name: z.string(),
  credential: CredentialLevel,
  checkedInAt: z.string(),
});
export type OnsitePresence = z.infer<typeof OnsitePresence>;

export const OnsiteStatus = z.object({
  /** The person checked in at the scanner, or null. */
  presence: OnsitePresence.nullable(),
  /** Their console's gateway link is up and heartbeating. */
  consoleAlive: z.boolean(),
  /** Checklist confirmation for the open exam (reset when a new exam opens). */
  checklist: z.object({
    studyUid: z.string().nullable(),
    confirmedBy: z.string().nullable(),
    confirmedAt: z.string().nullable(),
  }),
  /** The last emergency stop, so everyone sees why the scan ended. */
  lastEmergency: z.object({ at: z.string(), by: z.string(), reason: z.string() }).nullable(),
  /** An operator link is lost and control returns to onsite when the grace period ends. */
  operatorLoss: z.object({ name: z.string(), since: z.string(), controlReturnsAt: z.string() }).nullable(),
});
export type OnsiteStatus = z.infer<typeof OnsiteStatus>;
