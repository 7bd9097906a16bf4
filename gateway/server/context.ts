import type { LinkPolicy, NoticeAlarm } from '../../protocol/index.js';
import type { ScannerSimulator } from '../simulator/scanner-simulator.js';
import type { GatewayStore } from '../storage/gateway-store.js';
import type { ClientSession, SessionRegistry } from './sessions.js';

/**
 * What the gateway's handlers share, handed to each by the Gateway (the composition root) so
 * that no handler imports another's owner.
 */
export interface GatewayContext {
  readonly sessions: SessionRegistry;
  readonly store: GatewayStore;
  readonly scanner: ScannerSimulator;
  readonly policy: LinkPolicy;
  readonly heartbeatIntervalMs: number;
  /** Audit trail entry for what a session did, also written to the log. */
  audit(session: ClientSession, action: string, decision: string, code: string | null, detail?: unknown): void;
  /** A notice to every greeted client; `alarm` names a safety rule's alarm for clients that sort them. */
  notice(level: 'info' | 'warning' | 'alarm', text: string, alarm?: NoticeAlarm): void;
  /** The reasons of this person's alarms of this kind that are still waiting for someone to see them (raised-alarms.ts). */
  unseenAlarms(kind: NoticeAlarm['kind'], by: string): (string | null)[];
  /** Send every greeted client a fresh scanner snapshot event. */
  publishSnapshot(): void;
  /**
   * Tell every greeted client that this session was welcomed or has left, when nothing else in
   * the snapshot changed with it: one participant, not the whole list (docs/architecture.md
   * "Wire protocol").
   */
  publishParticipant(change: 'joined' | 'left', session: ClientSession): void;
}
