import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Certificates for the TLS tests, made with openssl for real, as a hospital's PKI would issue
 * them. Every certificate names localhost and 127.0.0.1, where the tests' peers listen.
 */
export interface CertificateFiles {
  cert: string;
  key: string;
}

const SUBJECT_ALT_NAME = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

/** A certificate that signs itself, which nobody trusts unless told to (`<dir>/site.pem`). */
export function selfSignedCertificate(dir: string, commonName = 'larmor-test-site'): CertificateFiles {
  const files = { cert: join(dir, 'site.pem'), key: join(dir, 'site.key') };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    SUBJECT_ALT_NAME,
    '-keyout',
    files.key,
    '-out',
    files.cert,
  ]);
  return files;
}

export interface TestCa {
  /** The CA's own certificate, the one a peer is told to trust. */
  ca: string;
  /** A certificate the CA signs, written as `<dir>/<name>.pem` and its key as `<dir>/<name>.key`. */
  sign(name: string, commonName: string, extendedKeyUsage?: 'serverAuth' | 'clientAuth'): CertificateFiles;
}

/** A private CA in `dir`, such as a hospital runs for its sites and scanners. */
export function testCa(dir: string, commonName = 'Larmor test CA'): TestCa {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${commonName}`, '-keyout', caKey, '-out', ca]);
  return {
    ca,
    sign(name, subject, extendedKeyUsage) {
      const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
      const csr = join(dir, `${name}.csr`);
      const ext = join(dir, `${name}.ext`);
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${subject}`, '-keyout', files.key, '-out', csr]);
      writeFileSync(ext, `${SUBJECT_ALT_NAME}\n${extendedKeyUsage ? `extendedKeyUsage=${extendedKeyUsage}\n` : ''}`);
      openssl(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', files.cert]);
      return files;
    },
  };
}
