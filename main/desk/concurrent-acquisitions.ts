import { ErrorCode, type ScannerCommand } from '../../protocol/index.js';

/** What the rule needs of one scanner on the desk. */
export interface ScannerUnderControl {
  siteId: string;
  name: string;
  /** This workstation's session holds control there. */
  youHoldControl: boolean;
  /** Acquiring or paused: an acquisition is under way for the patient. */
  acquiring: boolean;
}

/** Commands that start (or restart) an acquisition: a resume is a start for the patient (protocol/commands.ts). */
function startsAcquisition(command: ScannerCommand): boolean {
  return command.name === 'scan.start' || command.name === 'scan.resume';
}

/**
 * Machine policy `maxConcurrentAcquisitions` (the ACR position: one acquisition at a time per
 * remote technologist; sites may allow up to three): a start at `targetSiteId` is refused when
 * this workstation would then hold control of more acquiring or paused scanners than allowed.
 * Each gateway still applies its own per-operator rule (docs/architecture.md "Safety rules", 3);
 * across gateways of different sites nothing but this workstation enforces it.
 */
export function refuseConcurrentStart(
  command: ScannerCommand,
  targetSiteId: string,
  scanners: readonly ScannerUnderControl[],
  max: number,
): { code: ErrorCode; reason: string } | null {
  if (!startsAcquisition(command)) return null;
  const busy = scanners.filter((s) => s.siteId !== targetSiteId && s.youHoldControl && s.acquiring);
  if (busy.length + 1 <= max) return null;
  const names = busy.map((s) => s.name).join(', ');
  return {
    code: ErrorCode.DESK_CONCURRENT_ACQUISITIONS,
    reason: `${names} ${busy.length === 1 ? 'is' : 'are'} already acquiring under your control; this workstation allows ${max} acquisition${max === 1 ? '' : 's'} at a time (machine policy maxConcurrentAcquisitions): finish or stop ${busy.length === 1 ? 'it' : 'one'} first`,
  };
}
