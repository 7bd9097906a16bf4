import { availableParallelism } from 'node:os';

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

/**
 * Node options of a gateway process we start with Node (embedded-gateway.ts): on a machine of
 * two cores or fewer, `--single-threaded-gc`, V8 collecting on the threads that allocate.
 *
 * Why: by default V8 marks, sweeps and scavenges with helper threads (four, however many cores
 * there are) beside the event loop and the gateway's workers. On two cores they take the cores the
 * event loop, the transcode worker and the scanner's sender need, and cost more CPU than the work
 * they take over. In a push of 2,000 MR images into the gateway, they used 1.4 s of its 3.4 s of
 * CPU. With the option such a push took 1.97 s against 2.09 s and 2.25 s of CPU against 2.59
 * (medians of five, alternating), and in a ten-minute training class the gateway used 67 s of CPU
 * instead of 78 and its event loop's longest delay fell from 87 ms to 66-71 ms (README "V8's
 * helper threads on two cores"). With more cores the helpers have cores of their own, and without
 * them the event loop would do their work: there the default stays.
 *
 * V8 takes it on the command line only: set later (v8.setFlagsFromString), V8 aborts at its next
 * collection. So a standalone `larmor gateway` service is started as
 * `node --single-threaded-gc bin/larmor.js gateway ...` on such a machine (README). Electron's
 * utility process (utility-gateway.ts) is not given it: whether Electron applies a V8 option of
 * `execArgv` before its utility process's heap exists can be shown only with a real binary.
 */
export function gatewayNodeOptions(cores: number = availableParallelism()): string[] {
  return cores <= 2 ? ['--single-threaded-gc'] : [];
}
