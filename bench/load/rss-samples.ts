/**
 * RSS of the load bench's processes, sampled every RSS_SAMPLE_MS from "go" in each of them
 * (run.ts for the gateway, clients.ts for the workstations). Ten seconds, not a minute: a
 * process's RSS swings by a tenth between two garbage collections, and a figure taken once a
 * minute can land on either end of a swing; with six a minute, the trend (slopePerMinute)
 * tells a swing from a rise.
 */
export const RSS_SAMPLE_MS = 10_000;

/** Samples per minute: the sample at the end of minute m (1-based) is at index m * SAMPLES_PER_MINUTE - 1. */
export const SAMPLES_PER_MINUTE = 60_000 / RSS_SAMPLE_MS;
