import type { AuditRow } from '../audit-row.js';
import { dicomAuditMessage, type AuditSource } from '../dicom-audit-message.js';

/**
 * An audit row as an RFC 5424 syslog message carrying its DICOM Audit Message (PS3.15 A.5,
 * IHE ITI-20 "Record Audit Event" over TLS syslog), framed for RFC 5425.
 */

/**
 * RFC 5424 6.2.1: PRI = facility * 8 + severity. IHE ITI-20 and PS3.15 A.5 ship audit
 * messages as facility 10 (security/authorization) severity 5 (notice).
 */
const PRI = 10 * 8 + 5;
const APP_NAME = 'larmor-gateway';
/** The message format, as IHE ITI-20 names it in MSGID. */
const MSGID = 'DICOM+RFC3881';
/**
 * RFC 5424 6.3.2: a private SD-ID is name@enterprise-number. 32473 is the number RFC 5612
 * reserves for documentation; a site that needs its own sets it here.
 */
const SD_ID = 'larmor@32473';

export interface SyslogOrigin extends AuditSource {
  /** RFC 5424 HOSTNAME: this gateway's host name. */
  hostname: string;
  procId: string;
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [larmor@32473 id=".." hash=".."] BOM MSG`.
 * The row id and hash travel as structured data, so the repository can tell a message resent
 * after an outage from a new one, and can check the chain against the gateway's own copy.
 */
export function syslogMessage(row: AuditRow, origin: SyslogOrigin): string {
  const header = `<${PRI}>1 ${row.at} ${headerField(origin.hostname, 255)} ${APP_NAME} ${headerField(origin.procId, 128)} ${MSGID}`;
  const sd = `[${SD_ID} id="${row.id}" hash="${row.hash}"]`;
  // RFC 5424 6.4: a UTF-8 MSG starts with the BOM.
  return `${header} ${sd} \uFEFF${dicomAuditMessage(row, origin)}`;
}

/** RFC 5425 4.3 (octet counting): MSG-LEN SP SYSLOG-MSG, the length in octets, not characters. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** RFC 5424 6.2: header fields are printable US-ASCII without spaces, "-" when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}
