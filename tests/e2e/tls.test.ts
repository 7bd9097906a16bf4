import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../gateway/server/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { TEST_PASSWORD, testUserId } from '../helpers/accounts.js';
import { tempDir } from '../helpers/temp-dir.js';
import { selfSignedCertificate } from '../helpers/certificates.js';

const LARMOR = join(import.meta.dirname, '..', '..', 'bin', 'larmor.js');

let gateway: Gateway | undefined;
afterEach(async () => gateway?.close());

async function record(
  url: string,
  extraEnv: Record<string, string>,
): Promise<{ type: string; status?: string; code?: string | null; reason?: string | null }[]> {
  const out = tempDir();
  const child = spawn(process.execPath, [LARMOR, 'record', '--gateway', url, '--out', out, '--user', testUserId('Observer'), '--password-stdin'], {
    env: { ...process.env, ...extraEnv },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.stdin!.end(`${TEST_PASSWORD}\n`);
  const file = join(out, 'events.jsonl');
  const events = () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  await expect.poll(() => events().some((e) => e.type === 'link' && e.status !== 'connecting'), { timeout: 20_000 }).toBe(true);
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  return events();
}

describe('wss:// between workstation and gateway', () => {
  it('connects over TLS when the workstation trusts the site CA (NODE_EXTRA_CA_CERTS)', async () => {
    const { cert, key } = selfSignedCertificate(tempDir());
    gateway = await startTestGateway({ tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    expect(gateway.url).toMatch(/^wss:\/\//);
    const events = await record(gateway.url, { NODE_EXTRA_CA_CERTS: cert });
    expect(events.find((e) => e.type === 'link' && e.status === 'connected')).toBeTruthy();
  });

  it('refuses a gateway whose certificate it does not trust, and says why', async () => {
    const { cert, key } = selfSignedCertificate(tempDir());
    gateway = await startTestGateway({ tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    const events = await record(gateway.url, {});
    expect(events.some((e) => e.type === 'link' && e.status === 'connected')).toBe(false);
    expect(JSON.stringify(events)).toMatch(/SELF_SIGNED|self.signed|certificate/i);
  });
});
