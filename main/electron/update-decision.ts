import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { z } from 'zod';
import type { MachinePolicy } from '../policy/machine-policy.js';

/**
 * Whether to take an update, as pure functions of the policy, the running version and the
 * update metadata (electron-updater's latest.yml), so every refusal is tested without an
 * Electron binary. electron-updater checks the sha512 itself; this is the second, independent
 * check the app relies on, plus the rules electron-updater leaves to configuration
 * (downgrades, channel, off by policy).
 */

export interface UpdateFeed {
  provider: 'generic';
  /** The hospital's own update server, from the machine policy. */
  url: string;
  /** Pinned by the policy; the user cannot pick another. */
  channel: string;
}

/** Updates run only when the machine policy turns them on and names the server. */
export function updateFeedFromPolicy(policy: MachinePolicy): UpdateFeed | null {
  const updates = policy.updates;
  if (!updates?.enabled || !updates.url) return null;
  return { provider: 'generic', url: updates.url, channel: updates.channel };
}

/** electron-updater writes sha512 as base64 of the 64-byte digest. */
const Sha512 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'is not a base64 SHA-512');
/** A file name on the update server itself: no scheme, no host, no path climbing. */
const RelativeFile = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._ -]+$/, 'is not a plain file name on the update server');
const SemVer = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, 'is not a semantic version');

const UpdateMetadata = z.object({
  version: SemVer,
  files: z.array(z.object({ url: RelativeFile, sha512: Sha512, size: z.number().int().positive().optional() })).min(1),
  /** Legacy single-file fields (still written by electron-builder): must agree with files[]. */
  path: RelativeFile.optional(),
  sha512: Sha512.optional(),
  releaseDate: z.string().optional(),
});
export type UpdateMetadata = z.infer<typeof UpdateMetadata>;

export type UpdateDecision = { take: true; offer: UpdateMetadata } | { take: false; reason: string };

/** latest.yml (or beta.yml...) text to an object; parse errors become a refusal, not a crash. */
export function parseUpdateYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('js-yaml') as {
    load(text: string, options: { schema: unknown }): unknown;
    FAILSAFE_SCHEMA: unknown;
    JSON_SCHEMA: unknown;
  };
  try {
    // JSON_SCHEMA: no custom YAML types, nothing but plain data.
    return yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (err) {
    return { unparsable: (err as Error).message };
  }
}

/**
 * Take the offered update only when its metadata is well formed and self-consistent, it is
 * newer than what runs (never a downgrade, never a reinstall), and it belongs to the pinned
 * channel (a prerelease reaches a machine only when the policy pins that prerelease channel).
 */
export function decideUpdate(currentVersion: string, offered: unknown, channel: string): UpdateDecision {
  const parsed = UpdateMetadata.safeParse(offered);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { take: false, reason: `update metadata refused: ${issue.path.join('.') || '(root)'} ${issue.message}` };
  }
  const meta = parsed.data;
  if (meta.path !== undefined) {
    const listed = meta.files.find((f) => f.url === meta.path);
    if (!listed) return { take: false, reason: `update metadata refused: path ${meta.path} is not among its files` };
    if (meta.sha512 !== undefined && meta.sha512 !== listed.sha512)
      return { take: false, reason: `update metadata refused: two different sha512 for ${meta.path}` };
  }
  const order = compareVersions(meta.version, currentVersion);
  if (order < 0) return { take: false, reason: `update ${meta.version} refused: it is older than the installed ${currentVersion} (no downgrades)` };
  if (order === 0) return { take: false, reason: `no update: ${currentVersion} is the newest` };
  const pre = prereleaseChannel(meta.version);
  if (pre !== null && pre !== channel)
    return { take: false, reason: `update ${meta.version} refused: it is a ${pre} release and this machine follows ${channel}` };
  return { take: true, offer: meta };
}

/**
 * The downloaded file must be one the accepted offer lists (by name: electron-updater names the
 * download after the file's URL) and hash to the sha512 published for it. Read whole and hashed
 * synchronously on purpose: the caller decides before control returns to the event loop, so an
 * unchecked installer can never be run by a quit in between.
 */
export function verifyDownloadedUpdate(file: string, offer: UpdateMetadata): { ok: true } | { ok: false; reason: string } {
  const name = basename(file);
  const listed = offer.files.find((f) => f.url === name);
  if (!listed) return { ok: false, reason: `downloaded update refused: ${name} is not a file of release ${offer.version}` };
  const actual = createHash('sha512').update(readFileSync(file)).digest('base64');
  if (actual !== listed.sha512)
    return {
      ok: false,
      reason: `downloaded update refused: the sha512 of ${name} (${actual.slice(0, 16)}…) is not the published one (${listed.sha512.slice(0, 16)}…)`,
    };
  return { ok: true };
}

/** "beta" for 1.2.0-beta.3, null for 1.2.0 (electron-builder's channel naming). */
function prereleaseChannel(version: string): string | null {
  const pre = /^[^-+]+-([0-9A-Za-z-]+)/.exec(version)?.[1];
  if (pre === undefined) return null;
  return /^\d+$/.test(pre) ? 'latest' : pre.toLowerCase();
}

/** Semantic Versioning 2.0.0 section 11 precedence (build metadata ignored). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.split('+')[0]!.split(/-(.*)/s) as [string, string | undefined];
    return { core: core.split('.').map(Number), pre: pre ? pre.split('.') : [] };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! < y.core[i]! ? -1 : 1;
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
