import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../../gateway/audit/audit-row.js';
import { escapeXml } from '../../../../gateway/audit/dicom-audit-message.js';
import { octetCounted, syslogMessage } from '../../../../gateway/audit/syslog/rfc5424.js';
import { parseSyslogUrl } from '../../../../gateway/audit/syslog/audit-shipper.js';

const row: AuditRow = {
  id: 7,
  at: '2026-12-02T04:00:00.123Z',
  sessionId: 's1',
  actor: 'Müller <Tech>',
  role: 'operator',
  action: 'hello',
  decision: 'accepted',
  code: null,
  detail: null,
  userId: 'u-1',
  peer: '10.0.0.8',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};
const origin = { hostname: 'mr 1.example.org', procId: '42', sourceId: 'larmor-gateway@mr1' };

describe('syslogMessage (RFC 5424)', () => {
  it('has PRI 85, version 1, the row time, a header host without spaces, and the row id and hash as structured data', () => {
    expect(syslogMessage(row, origin)).toMatch(
      /^<85>1 2026-12-02T04:00:00\.123Z mr1\.example\.org larmor-gateway 42 DICOM\+RFC3881 \[larmor@32473 id="7" hash="a{64}"\] \uFEFF<AuditMessage>/,
    );
  });

  it('escapes XML in names and carries user, role and peer address', () => {
    const message = syslogMessage(row, origin);
    expect(message).toContain('UserName="Müller &lt;Tech&gt;"');
    expect(message).toContain('UserID="u-1"');
    expect(message).toContain('NetworkAccessPointID="10.0.0.8" NetworkAccessPointTypeCode="2"');
    expect(message).toContain('originalText="Remote MR technologist"');
  });
});

describe('octetCounted (RFC 5425 4.3)', () => {
  it('prefixes the length in octets, not characters', () => {
    const framed = octetCounted('ü€');
    expect(framed.toString('utf8')).toBe('5 ü€');
  });
});

describe('parseSyslogUrl', () => {
  it('takes tls://HOST:PORT, IPv6 in brackets', () => {
    expect(parseSyslogUrl('tls://audit.example.org:6514')).toEqual({ host: 'audit.example.org', port: 6514 });
    expect(parseSyslogUrl('tls://[::1]:6514')).toEqual({ host: '::1', port: 6514 });
  });
  it('refuses anything else with LARMOR_E_AUDIT_INVALID_ARGUMENT', () => {
    for (const bad of ['udp://h:514', 'tls://h', 'tls://h:0', 'h:6514'])
      expect(() => parseSyslogUrl(bad)).toThrow(expect.objectContaining({ code: 'LARMOR_E_AUDIT_INVALID_ARGUMENT' }));
  });
});

describe('escapeXml', () => {
  it('escapes markup and replaces control characters that would break the line', () => {
    expect(escapeXml('a&b"<c>\nd')).toBe('a&amp;b&quot;&lt;c&gt; d');
  });
});
