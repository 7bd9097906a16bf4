import { formatClock } from './clock.js';

/**
 * Control kept for an operator whose link was lost, until the grace period ends (safety rule 5,
 * docs/architecture.md "Safety rules"): "reserved for Ana until 10:02:11 (link lost)". One
 * wording for the workstation's scan controls and People panel and the onsite console's
 * Remote control panel, so staff on both sides read the same line.
 */
export function reservedForLostOperator(loss: { name: string; controlReturnsAt: string }): string {
  return `reserved for ${loss.name} until ${formatClock(loss.controlReturnsAt)} (link lost)`;
}
