import { setTimeout as sleep } from 'node:timers/promises';
import { CHECKLIST_ITEMS, type AckMessage, type CredentialLevel, type OnsiteAction } from '../../protocol/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { RawClient, SETTLE_BUDGET_MS } from './gateway.js';

let nextId = 1;

/**
 * An onsite console speaking the wire protocol: greeted with role onsite, heartbeating like the
 * real page (its liveness is safety rule 1), with one call per onsite action.
 */
export class OnsiteClient {
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    readonly raw: RawClient,
    intervalMs: number,
  ) {
    this.heartbeat = setInterval(() => {
      if (raw.ws.readyState === raw.ws.OPEN) raw.sendJson({ type: 'ping', t: Date.now() });
    }, intervalMs);
  }

  static async connect(gateway: Gateway, name = 'Onsite Tech'): Promise<OnsiteClient> {
    return new OnsiteClient(await RawClient.greeted(gateway.url, 'onsite', name), Math.max(20, gateway.heartbeatIntervalMs / 2));
  }

  async act(action: OnsiteAction): Promise<AckMessage> {
    const id = `onsite-${process.pid}-${nextId++}`;
    const from = this.raw.messages.length;
    this.raw.sendJson({ type: 'onsite', id, action });
    return this.raw.next<AckMessage>((m) => m.type === 'ack' && m.id === id, from);
  }

  checkIn(credential: CredentialLevel = 'registered-technologist'): Promise<AckMessage> {
    return this.act({ name: 'presence.check-in', credential });
  }

  confirmChecklist(): Promise<AckMessage> {
    return this.act({ name: 'checklist.confirm', items: [...CHECKLIST_ITEMS] });
  }

  /**
   * Grant control to the operator with this name, once the gateway has welcomed them: a page's
   * connect form returns on the click, and its hello may still be on the way on a busy machine.
   */
  async grantTo(gateway: Gateway, operatorName: string): Promise<AckMessage> {
    const operator = () => gateway.snapshot().participants.find((p) => p.role === 'operator' && p.name === operatorName);
    // Polled without vitest's waitFor: benchmarks start their sessions with this helper too.
    for (const by = Date.now() + SETTLE_BUDGET_MS; !operator(); await sleep(20)) {
      if (Date.now() > by) throw new Error(`no operator ${operatorName} connected within ${SETTLE_BUDGET_MS} ms`);
    }
    return this.act({ name: 'control.grant', sessionId: operator()!.sessionId });
  }

  /** Stop heartbeating but keep the socket open: a console that hangs. */
  freeze(): void {
    clearInterval(this.heartbeat);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.raw.close();
  }
}

/** The usual start of a scanning session: onsite checks in, and grants control to `operatorName`. */
export async function onsiteGrants(gateway: Gateway, operatorName: string, onsiteName = 'Onsite Tech'): Promise<OnsiteClient> {
  const onsite = await OnsiteClient.connect(gateway, onsiteName);
  const checkIn = await onsite.checkIn();
  if (checkIn.outcome !== 'done') throw new Error(`check-in refused: ${checkIn.code} ${checkIn.reason}`);
  const grant = await onsite.grantTo(gateway, operatorName);
  if (grant.outcome !== 'done') throw new Error(`grant refused: ${grant.code} ${grant.reason}`);
  return onsite;
}
