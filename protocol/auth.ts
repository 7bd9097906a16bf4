import { z } from 'zod';
import { Role } from './messages.js';
import type { CredentialLevel } from './onsite.js';

/**
 * Sign-in at the gateway: `POST /auth/sign-in` with a JSON SignInRequest answers a
 * SignInResponse (200) or a SignInRefusal (4xx). The session credential it returns is what the
 * WebSocket hello carries; the hello's role, name and credential level come from the account
 * behind it, never from the client.
 */
export const SIGN_IN_PATH = '/auth/sign-in';

/** What a workstation signs in with at a gateway, for one site or a whole desk (the password is used once, never kept). */
export const WorkstationSignIn = z.object({
  role: Role,
  user: z.string().min(1).max(64).optional(),
  password: z.string().min(1).max(1024).optional(),
  /** Authenticator code, when site policy asks for one. */
  totp: z
    .string()
    .regex(/^\d{6}$/, 'the authenticator code is 6 digits')
    .optional(),
  /** The site token, where a site requires one. */
  token: z.string().max(512).optional(),
});

/** What an account may be allowed to do; `admin` manages accounts and never says hello. */
export const AccountRole = z.enum(['operator', 'onsite', 'observer', 'admin']);
export type AccountRole = z.infer<typeof AccountRole>;

/**
 * ACR MR personnel levels of onsite staff (ACR Manual on MR Safety, 2024): MR Level 1, MR Level 2,
 * MR Safety Technologist.
 */
export const AccountLevel = z.enum(['mr1', 'mr2', 'mrst']);
export type AccountLevel = z.infer<typeof AccountLevel>;

/** The onsite check-in's credential words for each account level. */
export const LEVEL_CREDENTIAL: Record<AccountLevel, CredentialLevel> = {
  mr1: 'level-1-mr-personnel',
  mr2: 'level-2-mr-personnel',
  mrst: 'mr-safety-technologist',
};

/**
 * The longest display name of a person the gateway hands out (in the welcome, the participants,
 * the alarms' "by"): a person's name, shown whole in a line of the console and the workstation.
 * `larmor gateway users add --display-name` refuses a longer one; of a hospital sign-in's longer
 * name claim, or a longer name stored before this limit, the first 64 characters are kept, and an
 * ellipsis after them (base/common/cut-text.ts).
 */
export const MAX_DISPLAY_NAME_CHARS = 64;

/** Account names: what people type at sign-in and what the users CLI takes. */
export const UserName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'user names are letters, digits and . _ @ -');

export const SignInRequest = z.object({
  user: UserName,
  password: z.string().min(1).max(1024),
  role: Role,
  /** Six-digit code of the authenticator app (RFC 6238), when site policy asks for one. */
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

const SignedInUser = z.object({
  id: z.string(),
  displayName: z.string(),
  roles: z.array(AccountRole),
  level: AccountLevel.nullable(),
});
type SignedInUser = z.infer<typeof SignedInUser>;

export const SignInResponse = z.object({
  /** Signed session credential (a JWT): send it in the hello as `credentials.session`. */
  credential: z.string().min(1).max(4096),
  user: SignedInUser,
  role: Role,
  /** ISO-8601: after this the credential is refused; sign in again. */
  expiresAt: z.string(),
});
export type SignInResponse = z.infer<typeof SignInResponse>;

export const SignInRefusal = z.object({
  code: z.string(),
  message: z.string(),
  /** Seconds to wait before the next try, when sign-in is throttled. */
  retryAfterS: z.number().optional(),
});
export type SignInRefusal = z.infer<typeof SignInRefusal>;

/** The sign-in URL of the gateway behind a ws:// or wss:// link URL (same host and port). */
export function signInUrlFor(linkUrl: string): string {
  const match = /^(wss?):\/\/([^/?#]+)/i.exec(linkUrl);
  if (!match) return linkUrl;
  return `${match[1]!.toLowerCase() === 'wss' ? 'https' : 'http'}://${match[2]}${SIGN_IN_PATH}`;
}
