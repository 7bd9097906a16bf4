/**
 * True for a host name that never leaves this machine: 127.0.0.0/8, ::1 (bare or in URL
 * brackets) and localhost. Links to anything else must be encrypted (docs/architecture.md
 * "Safety rules": cleartext only on loopback).
 */
export function isLoopbackHost(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/.test(host);
}
