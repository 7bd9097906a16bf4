import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ErrorCode, LarmorError, isErrorCode, SignInRefusal, SignInResponse, signInUrlFor, type Role } from '../../protocol/index.js';
import { tlsFor, type LinkTls } from './link-tls.js';

export interface SignInFields {
  user: string;
  password: string;
  role: Role;
  totp?: string;
}

/**
 * What a sign-in may take from the gateway: the whole answer within 10 s (a socket's idle
 * timeout alone would wait forever for an answer trickled a byte at a time), and at most 64 KiB
 * of it (a session credential is well under one).
 */
export interface SignInLimits {
  timeoutMs: number;
  maxAnswerBytes: number;
}
const SIGN_IN_LIMITS: SignInLimits = { timeoutMs: 10_000, maxAnswerBytes: 64 * 1024 };

/** The gateway's refusal of a sign-in, with the wait it asked for when it held the try back (SIGN_IN_THROTTLED). */
export class SignInRefused extends LarmorError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(code, message);
  }
}

/**
 * Sign in at the gateway behind `linkUrl` (`POST /auth/sign-in`, protocol/auth.ts) over the same
 * transport as the link: https for a wss:// gateway, with the same trusted certificates. The
 * password goes out once and is not kept; a refusal becomes a SignInRefused with the gateway's code.
 * An answer that is no refusal of ours is LINK_DOWN when it is a server error or 429 (nobody answers
 * sign-ins now), UNAUTHENTICATED otherwise.
 */
export function signInAtGateway(linkUrl: string, fields: SignInFields, linkTls?: LinkTls, limits: SignInLimits = SIGN_IN_LIMITS): Promise<SignInResponse> {
  const url = new URL(signInUrlFor(linkUrl));
  const body = JSON.stringify({ user: fields.user, password: fields.password, role: fields.role, ...(fields.totp ? { totp: fields.totp } : {}) });
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  // A connection of its own, never a pooled socket from before a link cut; kept alive until the
  // answer is read, so the answer never races the server's close on the way back.
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...tlsFor(linkTls, url.href) }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  let deadline: NodeJS.Timeout | undefined;
  return new Promise<SignInResponse>((resolve, reject) => {
    const failed = (err: Error & { code?: string }) =>
      reject(new LarmorError(ErrorCode.LINK_DOWN, `sign-in at ${url.host} failed: ${err.code ?? ''} ${err.message}`.trim()));
    const req = send(url, { agent, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      // Cut mid-answer (the deadline, a reset): the error is the answer's, not the request's.
      res.on('error', failed);
      res.on('data', (c: Buffer) => {
        received += c.length;
        if (received <= limits.maxAnswerBytes) return void chunks.push(c);
        reject(
          new LarmorError(ErrorCode.FRAME_TOO_LARGE, `the gateway's sign-in answer passed ${limits.maxAnswerBytes} bytes: is ${url.host} a Larmor gateway?`),
        );
        req.destroy();
      });
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return reject(
            new LarmorError(ErrorCode.LINK_DOWN, `the gateway's sign-in answered ${res.statusCode} without JSON: is ${url.host} a Larmor gateway?`),
          );
        }
        if (res.statusCode === 200) {
          const ok = SignInResponse.safeParse(json);
          return ok.success
            ? resolve(ok.data)
            : reject(new LarmorError(ErrorCode.INVALID_MESSAGE, 'the gateway answered sign-in with something else than a session credential'));
        }
        const refusal = SignInRefusal.safeParse(json);
        if (refusal.success && isErrorCode(refusal.data.code))
          return reject(new SignInRefused(refusal.data.code, refusal.data.message, refusal.data.retryAfterS));
        // No refusal of ours: a reverse proxy's error page in front of a gateway that is down or
        // overloaded (502, 503, 504, 429) says nothing about the account. Nobody is answering
        // sign-ins now, which is an outage, not a refusal.
        const status = res.statusCode ?? 0;
        if (status >= 500 || status === 429)
          return reject(new LarmorError(ErrorCode.LINK_DOWN, `sign-in at ${url.host} answered HTTP ${status}: the gateway is not answering sign-ins now`));
        reject(new LarmorError(ErrorCode.UNAUTHENTICATED, refusal.success ? refusal.data.message : `sign-in refused (HTTP ${status})`));
      });
    });
    deadline = setTimeout(() => {
      failed(new Error(`no whole answer within ${limits.timeoutMs} ms`));
      req.destroy();
    }, limits.timeoutMs);
    req.on('error', failed);
    req.end(body);
  }).finally(() => {
    clearTimeout(deadline);
    agent.destroy();
  });
}
