import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../../base/common/loopback.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'])('treats %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '10.0.0.5', 'scanner.example.org', '128.0.0.1', 'localhost.example.org', '127.0.0.1.example.org'])(
    'treats %s as leaving the machine',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});
