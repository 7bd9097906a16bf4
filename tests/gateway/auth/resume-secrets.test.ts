import { describe, expect, it } from 'vitest';
import { ResumeSecrets } from '../../../gateway/auth/resume-secrets.js';

describe('resume secrets', () => {
  it('never forgets the secret of a session still connected, however many sessions come and go after it', () => {
    const secrets = new ResumeSecrets((id) => (id === 'holder' ? { answered: true } : undefined), 100);
    const holder = secrets.issue('remote.tech', 'holder');
    // A hello loop: a thousand sessions of another account, each ending at once.
    for (let i = 0; i < 1000; i++) secrets.sessionEnded(secrets.issue('mallory', `loop-${i}`));
    expect(secrets.check(holder, 'remote.tech')).toBe('ok');
  });

  it('forgets the secrets of ended sessions oldest first, once past its bound', () => {
    const secrets = new ResumeSecrets(() => undefined, 3);
    const first = secrets.issue('a', 's1');
    const second = secrets.issue('a', 's2');
    secrets.sessionEnded(first);
    secrets.sessionEnded(second);
    const third = secrets.issue('a', 's3');
    expect(secrets.check(first, 'a')).toBe('ok');
    secrets.issue('a', 's4');
    expect(secrets.check(first, 'a')).toBe('unknown');
    expect(secrets.check(second, 'a')).toBe('ok');
    expect(secrets.check(third, 'a')).toBe('ok');
  });

  it('keeps an ended session’s secret for its resume: the same user may present it once more', () => {
    const connected = new Map<string, { answered: boolean }>();
    const secrets = new ResumeSecrets((id) => connected.get(id));
    const secret = secrets.issue('remote.tech', 'lost');
    secrets.sessionEnded(secret);
    expect(secrets.check(secret, 'remote.tech')).toBe('ok');
    expect(secrets.check(secret, 'someone.else')).toBe('replayed');
    secrets.consume(secret, 'back');
    connected.set('back', { answered: true });
    expect(secrets.check(secret, 'remote.tech')).toBe('replayed');
  });

  it('takes a secret again, for the same user only, while the session that used it has not answered its welcome', () => {
    const connected = new Map<string, { answered: boolean }>();
    const secrets = new ResumeSecrets((id) => connected.get(id));
    const secret = secrets.issue('remote.tech', 'lost');
    secrets.sessionEnded(secret);
    secrets.consume(secret, 'welcome-lost');
    connected.set('welcome-lost', { answered: false });
    expect(secrets.check(secret, 'remote.tech')).toBe('retried');
    expect(secrets.check(secret, 'someone.else')).toBe('replayed');
    connected.get('welcome-lost')!.answered = true;
    expect(secrets.check(secret, 'remote.tech')).toBe('replayed');
    // Gone, whether it answered or not: as for any ended session's, its secret's place is the control reserved for it.
    connected.delete('welcome-lost');
    expect(secrets.check(secret, 'remote.tech')).toBe('ok');
  });
});
