import type { AuditRow } from './audit-row.js';
import { dicomEventTypeOf, outcomeIndicatorOf, type Code } from './dicom-event-types.js';

/**
 * One audit row as a DICOM Audit Message: PS3.15 A.5.1, the XML schema derived from RFC 3881
 * (element and attribute names as in the DICOM schema: csd-code, codeSystemName, originalText).
 * One message per row, on one line, with no XML declaration, so that a file of them is a
 * line-per-message stream like the JSON lines export and each line can travel as one syslog MSG.
 */

export interface AuditSource {
  /** PS3.15 A.5.1 AuditSourceID: this gateway (e.g. "larmor-gateway@mr1.example.org"). */
  sourceId: string;
  /** AuditEnterpriseSiteID: the site's name. */
  siteId?: string;
}

export function dicomAuditMessage(row: AuditRow, source: AuditSource): string {
  const type = dicomEventTypeOf(row.action, row.decision);
  const detail = parseDetail(row.detail);
  const parts: string[] = [];
  parts.push(
    el(
      'EventIdentification',
      { EventActionCode: type.action, EventDateTime: row.at, EventOutcomeIndicator: String(outcomeIndicatorOf(row.decision, row.code)) },
      [
        codeEl('EventID', type.eventId),
        type.eventType ? codeEl('EventTypeCode', type.eventType) : '',
        // EventOutcomeDescription (DICOM 2019+): the human words of the decision and its code.
        el('EventOutcomeDescription', {}, [text(`${row.action}: ${row.decision}${row.code ? ` ${row.code}` : ''}`)]),
      ],
    ),
  );
  if (row.actor !== null || row.userId !== null || row.sessionId !== null) {
    parts.push(
      el(
        'ActiveParticipant',
        {
          UserID: row.userId ?? row.actor ?? row.sessionId ?? '',
          AlternativeUserID: row.sessionId ?? undefined,
          UserName: row.actor ?? undefined,
          UserIsRequestor: 'true',
          NetworkAccessPointID: row.peer ?? undefined,
          // RFC 3881 5.3.1: 1 machine name, 2 IP address.
          NetworkAccessPointTypeCode: row.peer === null ? undefined : /^[\d.:a-fA-F[\]]+$/.test(row.peer) ? '2' : '1',
        },
        row.role ? [codeEl('RoleIDCode', { code: row.role, system: '99LARMOR', meaning: ROLE_WORDS[row.role] ?? row.role })] : [],
      ),
    );
  }
  parts.push(
    el('ActiveParticipant', { UserID: source.sourceId, UserIsRequestor: 'false' }, [
      codeEl('RoleIDCode', { code: '110150', system: 'DCM', meaning: 'Application' }),
    ]),
  );
  parts.push(
    el('AuditSourceIdentification', { AuditEnterpriseSiteID: source.siteId, AuditSourceID: source.sourceId }, [
      // RFC 3881 5.4.1: 4 = application server process.
      codeEl('AuditSourceTypeCode', { code: '4', system: 'RFC-3881', meaning: 'Application Server Process' }),
    ]),
  );
  const object = participantObject(type.object, detail);
  if (object) parts.push(object);
  return el('AuditMessage', {}, parts);
}

const ROLE_WORDS: Record<string, string> = {
  operator: 'Remote MR technologist',
  onsite: 'Onsite MR staff',
  observer: 'Observer',
  admin: 'Administrator',
};

function participantObject(kind: 'patient' | 'study' | 'user' | null, detail: Record<string, unknown> | null): string | null {
  if (kind === 'patient') {
    const command = detail?.command as { patient?: { id?: unknown } } | undefined;
    const id = command?.patient?.id ?? detail?.patientId;
    if (typeof id !== 'string') return null;
    // RFC 3881 5.5: type 1 person, role 1 patient, ID type 2 patient number.
    return el('ParticipantObjectIdentification', { ParticipantObjectID: id, ParticipantObjectTypeCode: '1', ParticipantObjectTypeCodeRole: '1' }, [
      codeEl('ParticipantObjectIDTypeCode', { code: '2', system: 'RFC-3881', meaning: 'Patient Number' }),
    ]);
  }
  if (kind === 'study') {
    const uid = detail?.studyInstanceUid ?? detail?.studyUid;
    if (typeof uid !== 'string') return null;
    // PS3.15 A.5.2.1: type 2 system object, role 3 report; ID type 110180 Study Instance UID.
    return el('ParticipantObjectIdentification', { ParticipantObjectID: uid, ParticipantObjectTypeCode: '2', ParticipantObjectTypeCodeRole: '3' }, [
      codeEl('ParticipantObjectIDTypeCode', { code: '110180', system: 'DCM', meaning: 'Study Instance UID' }),
    ]);
  }
  if (kind === 'user') {
    const user = detail?.user ?? detail?.userId;
    if (typeof user !== 'string') return null;
    // RFC 3881 5.5: type 1 person, role 11 security user entity, ID type 11 user identifier.
    return el('ParticipantObjectIdentification', { ParticipantObjectID: user, ParticipantObjectTypeCode: '1', ParticipantObjectTypeCodeRole: '11' }, [
      codeEl('ParticipantObjectIDTypeCode', { code: '11', system: 'RFC-3881', meaning: 'User Identifier' }),
    ]);
  }
  return null;
}

function parseDetail(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function codeEl(name: string, code: Code): string {
  return el(name, { 'csd-code': code.code, codeSystemName: code.system, originalText: code.meaning }, []);
}

function el(name: string, attributes: Record<string, string | undefined>, children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const body = children.join('');
  return body === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${body}</${name}>`;
}

/** Element text content: escaped here, since el() joins its children as markup. */
function text(value: string): string {
  return escapeXml(value);
}

/** XML 1.0 2.4: escape markup; drop C0 controls XML cannot carry (they would break the line). */
export function escapeXml(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\n\r\t]/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}
