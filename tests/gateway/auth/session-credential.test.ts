import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { SessionCredentials, type SignedInIdentity } from '../../../gateway/auth/session-credential.js';
import { tempDir } from '../../helpers/temp-dir.js';

const JANE: SignedInIdentity = { userId: 'jane.doe', displayName: 'Jane Doe', roles: ['operator', 'observer'], level: null, method: 'password' };

describe('session credentials', () => {
  it('keeps its signing key in a 0600 file, and a new process on the same file accepts earlier credentials', async () => {
    const keyFile = join(tempDir(), 'gateway', 'session-key');
    const first = new SessionCredentials(keyFile);
    const { credential } = await first.issueSession(JANE, 'operator');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const restarted = new SessionCredentials(keyFile);
    expect(await restarted.verify(credential)).toMatchObject({
      ok: true,
      claims: { userId: 'jane.doe', displayName: 'Jane Doe', role: 'operator', roles: ['operator', 'observer'] },
    });
    expect(await new SessionCredentials(join(tempDir(), 'other-key')).verify(credential)).toMatchObject({ ok: false, code: ErrorCode.CREDENTIAL_FORGED });
  });

  it('refuses a credential left idle longer than the policy, unless a live link kept touching it', async () => {
    let now = Date.now();
    const credentials = new SessionCredentials(join(tempDir(), 'session-key'), { ttlS: 3600, idleS: 60 }, () => now);
    const kept = await credentials.issueSession(JANE, 'operator');
    const idle = await credentials.issueSession(JANE, 'observer');
    for (let s = 0; s < 120; s += 30) {
      now += 30_000;
      credentials.touch(kept.credentialId);
    }
    expect(await credentials.verify(kept.credential)).toMatchObject({ ok: true });
    expect(await credentials.verify(idle.credential)).toMatchObject({ ok: false, code: ErrorCode.CREDENTIAL_IDLE });
  });

  it('refuses a credential after its expiry', async () => {
    let now = Date.now();
    const credentials = new SessionCredentials(join(tempDir(), 'session-key'), { ttlS: 60, idleS: 3600 }, () => now);
    const { credential, expiresAt } = await credentials.issueSession(JANE, 'operator');
    expect(expiresAt.getTime()).toBeLessThanOrEqual(now + 60_000);
    now += 61_000;
    expect(await credentials.verify(credential)).toMatchObject({ ok: false, code: ErrorCode.CREDENTIAL_EXPIRED });
  });

  it('remembers only the credentials used within the idle timeout: a peer signing in again and again does not grow the gateway', async () => {
    let now = Date.now();
    const credentials = new SessionCredentials(join(tempDir(), 'session-key'), { ttlS: 12 * 3600, idleS: 60 }, () => now);
    const kept = await credentials.issueSession(JANE, 'operator');
    for (let minute = 0; minute < 10; minute++) {
      for (let i = 0; i < 200; i++) await credentials.issueSession(JANE, 'observer');
      now += 30_000;
      credentials.touch(kept.credentialId);
      now += 30_000;
      credentials.touch(kept.credentialId);
    }
    // The last minute's 200 and the one a live link keeps using.
    expect(credentials.remembered).toBe(201);
    expect(await credentials.verify(kept.credential)).toMatchObject({ ok: true });
  });

  it('refuses a forgotten credential as idle, and one from before a restart once the restart is longer ago than the idle timeout', async () => {
    let now = Date.now();
    const keyFile = join(tempDir(), 'session-key');
    const policy = { ttlS: 12 * 3600, idleS: 60 };
    const first = new SessionCredentials(keyFile, policy, () => now);
    const resumed = await first.issueSession(JANE, 'operator');
    const late = await first.issueSession(JANE, 'observer');
    const restarted = new SessionCredentials(keyFile, policy, () => now);
    now += 10_000;
    // A workstation resuming after the restart: its credential is new here, and accepted.
    expect(await restarted.verify(resumed.credential)).toMatchObject({ ok: true });
    now += 61_000;
    // Used here and then idle, forgotten; and one not used since the restart, 71 s ago.
    expect(await restarted.verify(resumed.credential)).toMatchObject({ ok: false, code: ErrorCode.CREDENTIAL_IDLE });
    expect(await restarted.verify(late.credential)).toMatchObject({ ok: false, code: ErrorCode.CREDENTIAL_IDLE });
    const fresh = await restarted.issueSession(JANE, 'operator');
    now += 61_000;
    expect(await restarted.verify(fresh.credential)).toMatchObject({ ok: false, code: ErrorCode.CREDENTIAL_IDLE });
    expect(restarted.remembered).toBe(0);
  });
});
