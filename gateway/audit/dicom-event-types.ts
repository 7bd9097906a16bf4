/**
 * Which DICOM audit event (PS3.15 A.5.3, codes from PS3.16 CID 400/401 "Audit Event ID" /
 * "Audit Event Type Code") each Larmor audit action is, in one table. First match wins; an
 * action no rule names is Application Activity with the action as a local event type.
 */

export interface Code {
  code: string;
  /** "DCM" for DICOM codes (PS3.16), "99LARMOR" for the gateway's local codes. */
  system: string;
  meaning: string;
}

type EventActionCode = 'C' | 'R' | 'U' | 'D' | 'E';

export interface DicomEventType {
  eventId: Code;
  eventType: Code | null;
  action: EventActionCode;
  /** The audited subject of the row, when there is one (PS3.15 A.5.1 ParticipantObjectIdentification). */
  object: 'patient' | 'study' | 'user' | null;
}

const dcm = (code: string, meaning: string): Code => ({ code, system: 'DCM', meaning });

const EVENT = {
  applicationActivity: dcm('110100', 'Application Activity'),
  beginTransferring: dcm('110102', 'Begin Transferring DICOM Instances'),
  instancesTransferred: dcm('110104', 'DICOM Instances Transferred'),
  patientRecord: dcm('110110', 'Patient Record'),
  securityAlert: dcm('110113', 'Security Alert'),
  userAuthentication: dcm('110114', 'User Authentication'),
} as const;

const TYPE = {
  applicationStart: dcm('110120', 'Application Start'),
  applicationStop: dcm('110121', 'Application Stop'),
  login: dcm('110122', 'Login'),
  logout: dcm('110123', 'Logout'),
  emergencyOverrideStarted: dcm('110127', 'Emergency Override Started'),
  useOfRestrictedFunction: dcm('110132', 'Use of a restricted function'),
  securityRolesChanged: dcm('110136', 'Security Roles Changed'),
  userSecurityAttributesChanged: dcm('110137', 'User security Attributes Changed'),
} as const;

interface Rule {
  /** The audit action: exact, or a prefix when it ends with a space ("command "). */
  action: string;
  /** Only rows with this decision (any when absent). */
  decision?: string;
  type: DicomEventType;
}

/** Refusals of a role's request are Security Alerts: someone tried what they may not. */
const RULES: readonly Rule[] = [
  { action: 'gateway', decision: 'started', type: { eventId: EVENT.applicationActivity, eventType: TYPE.applicationStart, action: 'E', object: null } },
  { action: 'gateway', decision: 'stopped', type: { eventId: EVENT.applicationActivity, eventType: TYPE.applicationStop, action: 'E', object: null } },
  { action: 'hello', type: { eventId: EVENT.userAuthentication, eventType: TYPE.login, action: 'E', object: null } },
  { action: 'sign-in', type: { eventId: EVENT.userAuthentication, eventType: TYPE.login, action: 'E', object: null } },
  { action: 'sign-out', type: { eventId: EVENT.userAuthentication, eventType: TYPE.logout, action: 'E', object: null } },
  { action: 'disconnect', type: { eventId: EVENT.userAuthentication, eventType: TYPE.logout, action: 'E', object: null } },
  { action: 'heartbeat', type: { eventId: EVENT.userAuthentication, eventType: TYPE.logout, action: 'E', object: null } },
  { action: 'session', type: { eventId: EVENT.userAuthentication, eventType: TYPE.logout, action: 'E', object: null } },
  { action: 'user ', type: { eventId: EVENT.securityAlert, eventType: TYPE.userSecurityAttributesChanged, action: 'E', object: 'user' } },
  { action: 'control', type: { eventId: EVENT.securityAlert, eventType: TYPE.securityRolesChanged, action: 'E', object: null } },
  { action: 'onsite emergency.stop', type: { eventId: EVENT.securityAlert, eventType: TYPE.emergencyOverrideStarted, action: 'E', object: null } },
  { action: 'message', decision: 'rejected', type: { eventId: EVENT.securityAlert, eventType: TYPE.useOfRestrictedFunction, action: 'E', object: null } },
  { action: 'signal', decision: 'rejected', type: { eventId: EVENT.securityAlert, eventType: TYPE.useOfRestrictedFunction, action: 'E', object: null } },
  { action: 'command ', decision: 'rejected', type: { eventId: EVENT.securityAlert, eventType: TYPE.useOfRestrictedFunction, action: 'E', object: null } },
  // PS3.15 A.5.3.9: opening an exam reads the patient's record.
  { action: 'command exam.open', type: { eventId: EVENT.patientRecord, eventType: null, action: 'R', object: 'patient' } },
  { action: 'command scan.start', type: { eventId: EVENT.beginTransferring, eventType: null, action: 'E', object: 'study' } },
  { action: 'images', type: { eventId: EVENT.instancesTransferred, eventType: null, action: 'R', object: 'study' } },
  { action: 'observer phi', type: { eventId: EVENT.instancesTransferred, eventType: null, action: 'R', object: 'study' } },
];

export function dicomEventTypeOf(action: string, decision: string): DicomEventType {
  for (const rule of RULES) {
    const matches = rule.action.endsWith(' ') ? action.startsWith(rule.action) : action === rule.action;
    if (matches && (rule.decision === undefined || rule.decision === decision)) return rule.type;
  }
  return { eventId: EVENT.applicationActivity, eventType: { code: action, system: '99LARMOR', meaning: action }, action: 'E', object: null };
}

/**
 * PS3.15 A.5.1 EventOutcomeIndicator: 0 success, 4 minor failure (a refused request),
 * 8 serious failure (a lost link), 12 major failure.
 */
export function outcomeIndicatorOf(decision: string, code: string | null): 0 | 4 | 8 | 12 {
  if (decision === 'lost' || decision === 'failed' || decision === 'silent') return 8;
  if (code !== null || decision === 'rejected' || decision === 'refused') return 4;
  return 0;
}
