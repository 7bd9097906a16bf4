/**
 * HTTP fuzz against the gateway as its own process (the built CLI), with the hospital sign-in
 * routes on: requests mutated from valid ones (seeded, so a failure replays). Odd methods and
 * request targets, bodies cut short, too long or not JSON, headers that contradict each other,
 * WebSocket upgrades, sockets closed at once. The process must stay up, then answer /healthz and
 * sign a real account in. Run twice: over plain HTTP, and over TLS (--tls-cert/--tls-key), where
 * some connections also send what is no TLS at all: a plain request, a handshake cut short,
 * noise after a record header.
 *
 *   npx vitest run tests/gateway/server/http-fuzz.test.ts                          (2,000 requests)
 *   LARMOR_FUZZ_REQUESTS=50000 LARMOR_FUZZ_SEED=7 npx vitest run tests/gateway/server/http-fuzz.test.ts
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGN_IN_PATH } from '../../../protocol/index.js';
import { seededRandom } from '../../../base/common/random.js';
import { freePort } from '../../helpers/ports.js';
import { addAccount, startGatewayProcess, stopProcess } from '../../helpers/gateway-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { selfSignedCertificate } from '../../helpers/certificates.js';

const REQUESTS = Number(process.env.LARMOR_FUZZ_REQUESTS ?? 2000);
const SEED = Number(process.env.LARMOR_FUZZ_SEED ?? 1);
const PARALLEL = 20;
const PASSWORD = 'a long test password';

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE', 'G\u00e9T', ''];
const TARGETS = [
  '/',
  '/onsite',
  '/onsite/assets/x.js',
  '/onsite/%',
  '/onsite/..%2f..%2fpackage.json',
  SIGN_IN_PATH,
  '/auth/oidc/available',
  '/auth/oidc/start?role=operator&return_to=/onsite',
  '/auth/oidc/start?role=%zz&return_to=//[',
  '/auth/oidc/callback?state=a&code=b',
  `/auth/oidc/callback?${'a'.repeat(9000)}`,
  '/healthz',
  '//[',
  'http://[',
  'http://host:99999/onsite',
  '*',
  '/%00',
  `/?${'%'.repeat(100)}`,
];
const BODIES = [
  '',
  '{',
  JSON.stringify({ user: 'nobody.here', password: 'wrong password', role: 'operator' }),
  JSON.stringify({ user: 1, password: [], role: null }),
  '[]',
  'null',
  '\u0000\u0001',
  'x'.repeat(20_000),
  JSON.stringify({ user: 'a', password: 'p'.repeat(5000), role: 'operator' }),
];
const HEADERS = [
  '',
  'Content-Type: application/json\r\n',
  'Content-Type: application/json; charset=\u00ff\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
  'Expect: 100-continue\r\n',
  'Cookie: larmor_oidc_x=y; =; a\r\n',
  'Origin: null\r\n',
  'Content-Length: -1\r\n',
  'Content-Length: 99999999999\r\n',
  'Sec-WebSocket-Protocol: \u00ff\r\n',
];

/** Bytes a TLS port gets that are no TLS handshake: each must end that connection only. */
const NOT_TLS = [
  Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
  Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), // a ClientHello cut after its version
  Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)]), // a record header, then noise
  Buffer.from([0x80, 0x2e, 0x01, 0x00, 0x02]), // an SSLv2-style hello
  Buffer.alloc(0),
];

interface MutatedRequest {
  text: string;
  closeAtOnce: boolean;
  /** Over TLS: these bytes on the bare TCP socket instead of a handshake. */
  notTls?: Buffer;
}

function mutatedRequest(random: () => number, overTls: boolean): MutatedRequest {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const body = pick(BODIES);
  const headers = pick(HEADERS) + (random() < 0.3 ? pick(HEADERS) : '');
  const chunked = headers.includes('chunked');
  const length = !chunked && random() < 0.7 ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : '';
  const payload = chunked ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
  let text = `${pick(METHODS)} ${pick(TARGETS)} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}${length}\r\n${payload}`;
  if (random() < 0.2) text = text.slice(0, Math.floor(random() * text.length)); // cut anywhere
  const closeAtOnce = random() < 0.3;
  return overTls && random() < 0.15 ? { text, closeAtOnce, notTls: pick(NOT_TLS) } : { text, closeAtOnce };
}

/**
 * Sends one request; closes at once, or on the first answer, or soon after if none comes (a cut
 * request gets none). Over TLS, the request goes once the handshake is done; the certificate is
 * not checked, since the fuzz is about what the gateway does with what comes, not whom it trusts.
 */
function send(port: number, request: MutatedRequest, overTls: boolean): Promise<void> {
  return new Promise((resolve) => {
    const ready = () => {
      socket.write(request.notTls ?? request.text);
      if (request.closeAtOnce) socket.destroy();
      else setTimeout(() => socket.destroy(), 50).unref();
    };
    const socket: Socket =
      overTls && !request.notTls ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, ready) : connect(port, '127.0.0.1', ready);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.destroy());
    socket.once('close', () => resolve());
  });
}

/** One request over HTTPS trusting `ca`: its status and body. */
function httpsFetch(url: string, ca: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method ?? 'GET', ca, headers: init.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

let child: ChildProcess | undefined;
afterEach(async () => {
  await stopProcess(child);
  child = undefined;
});

describe.each([
  { transport: 'HTTP', overTls: false },
  { transport: 'HTTPS', overTls: true },
])('$transport fuzz against the gateway process', ({ overTls }) => {
  it(`stays up through ${REQUESTS} mutated requests (seed ${SEED}), then answers and signs in`, async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    addAccount(dataDir, 'remote.tech', 'operator', PASSWORD);
    const port = await freePort();
    const origin = `${overTls ? 'https' : 'http'}://127.0.0.1:${port}`;
    const site = overTls ? selfSignedCertificate(dir) : undefined;
    // The sign-in routes on, with a provider nobody answers for: the routes parse what comes in
    // before they would ever reach it.
    writeFileSync(join(dir, 'secret'), 'client secret');
    writeFileSync(
      join(dir, 'oidc.json'),
      JSON.stringify({
        issuer: `http://127.0.0.1:${await freePort()}`,
        clientId: 'larmor-gateway',
        clientSecretFile: 'secret',
        redirectUri: `${origin}/auth/oidc/callback`,
        roles: { g: ['operator'] },
      }),
    );
    const tlsArgs = site ? ['--tls-cert', site.cert, '--tls-key', site.key] : [];
    const started = startGatewayProcess(['--port', String(port), '--data-dir', dataDir, '--oidc-config', join(dir, 'oidc.json'), ...tlsArgs]);
    child = started.child;
    await expect.poll(started.output).toMatch(/gateway listening/);

    const random = seededRandom(SEED);
    for (let sent = 0; sent < REQUESTS && child.exitCode === null; sent += PARALLEL) {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, REQUESTS - sent) }, () => send(port, mutatedRequest(random, overTls), overTls)));
    }

    expect(child.exitCode, started.output().slice(-2000)).toBeNull();
    const get = (path: string, init?: { method: string; body: string }) =>
      site
        ? httpsFetch(`${origin}${path}`, readFileSync(site.cert, 'utf8'), init)
        : fetch(`${origin}${path}`, init && { ...init, headers: { 'content-type': 'application/json' } }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          }));
    expect((await get('/healthz')).status).toBe(200);
    const signIn = await get(SIGN_IN_PATH, { method: 'POST', body: JSON.stringify({ user: 'remote.tech', password: PASSWORD, role: 'operator' }) });
    expect(signIn.status, signIn.text).toBe(200);
    expect(started.output()).not.toMatch(/LARMOR_E_INTERNAL/);
  });
});
