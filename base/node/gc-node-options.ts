import { availableParallelism } from 'node:os';

/**
 * V8 options for a Node process that does the gateway's work (its event loop, worker threads and
 * a scanner sending beside it) on a machine of `cores` cores: on two or fewer,
 * `--single-threaded-gc`, V8 collecting on the threads that allocate.
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
 * V8 takes them on the command line only: set later (v8.setFlagsFromString), V8 aborts at its
 * next collection. The launchers give them to the gateways they start
 * (main/start/embedded-gateway.ts); a standalone `larmor gateway` says when it was started
 * without them (gateway/cli.ts). Electron's utility process (main/start/utility-gateway.ts) is not
 * given them: whether Electron applies a V8 option of `execArgv` before its utility process's heap
 * exists can be shown only with a real binary.
 */
export function gcNodeOptions(cores: number = availableParallelism()): string[] {
  return cores <= 2 ? ['--single-threaded-gc'] : [];
}

/** Those of gcNodeOptions() this process was not started with. */
export function missingGcNodeOptions(execArgv: readonly string[] = process.execArgv, cores?: number): string[] {
  return gcNodeOptions(cores).filter((option) => !execArgv.includes(option));
}
