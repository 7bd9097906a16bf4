/**
 * The environment of a gateway process we start (embedded-gateway.ts, utility-gateway.ts): the
 * caller's, with glibc's malloc held to two arenas unless the caller chose otherwise.
 *
 * Why: glibc gives every thread that allocates an arena of its own (up to eight per core). In
 * the gateway, the transcode worker allocates each image's compressed copy and the event loop
 * frees it, and what is freed stays mapped in the worker's arena, fragmented: in a one-minute
 * training class (bench/load/run.ts), gateway RSS grew 189 -> 311 MB with the default arenas and
 * 177 -> 237 MB with one. A standalone `larmor gateway` service should be started the same way
 * (README "Electron, packaging and IT deployment"). Other C libraries ignore the variable.
 */
export function gatewayProcessEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, MALLOC_ARENA_MAX: base.MALLOC_ARENA_MAX ?? '2' };
}
