import { afterEach } from 'vitest';
import type { EventMessage, GatewayMessage } from '../../../protocol/index.js';
import type { Gateway, GatewayOptions } from '../../../gateway/server/gateway.js';
import { OPEN_EXAM, RawClient, startTestGateway } from '../../helpers/gateway.js';
import { OnsiteClient } from '../../helpers/onsite.js';

/** One gateway per test plus every client it opened, all closed after the test. */
export function safetyFixture() {
  const state = { gateway: null as Gateway | null, closers: [] as (() => void)[] };
  afterEach(async () => {
    for (const close of state.closers.splice(0)) close();
    await state.gateway?.close();
    state.gateway = null;
  });
  let ids = 0;
  const fixture = {
    get gateway(): Gateway {
      return state.gateway!;
    },
    async start(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
      state.gateway = await startTestGateway(options);
      return state.gateway;
    },
    async client(role: 'operator' | 'observer' | 'onsite', name: string, options: Parameters<typeof RawClient.greeted>[3] = {}): Promise<RawClient> {
      const c = await RawClient.greeted(state.gateway!.url, role, name, options);
      state.closers.push(() => c.close());
      return c;
    },
    async onsite(name = 'Onsite Tech'): Promise<OnsiteClient> {
      const c = await OnsiteClient.connect(state.gateway!, name);
      state.closers.push(() => c.close());
      return c;
    },
    /** A fresh, unique command id. */
    id(prefix: string): string {
      return `${prefix}-${process.pid}-${++ids}`.slice(0, 60);
    },
    /** Operator with an open exam and one queued localizer; onsite checked in and granted control. */
    async readyToScan(options: { checklist?: boolean; operatorName?: string } = {}) {
      const name = options.operatorName ?? 'Remote Tech';
      const operator = await fixture.client('operator', name);
      // The operator heartbeats while the scene is set up, as a live workstation would, and goes
      // silent once it is ready: a test with a short heartbeat must not lose it half-way.
      const interval = Math.max(20, state.gateway!.heartbeatIntervalMs / 2);
      const heartbeat = setInterval(() => {
        if (operator.ws.readyState === operator.ws.OPEN) operator.sendJson({ type: 'ping', t: Date.now() });
      }, interval);
      try {
        return await fixture.setUpExam(operator, name, options.checklist !== false);
      } finally {
        clearInterval(heartbeat);
      }
    },
    async setUpExam(operator: RawClient, name: string, checklist: boolean) {
      const onsite = await fixture.onsite();
      await onsite.checkIn();
      await onsite.grantTo(state.gateway!, name);
      await operator.command(fixture.id('open'), OPEN_EXAM);
      await operator.command(fixture.id('queue'), { name: 'sequence.queue', protocolId: 'localizer' });
      if (checklist) await onsite.confirmChecklist();
      return { operator, onsite };
    },
  };
  return fixture;
}

export function isNotice(level: 'info' | 'warning' | 'alarm', text: RegExp) {
  return (m: GatewayMessage): boolean =>
    m.type === 'event' &&
    (m as EventMessage).body.kind === 'notice' &&
    (m as EventMessage & { body: { level: string; text: string } }).body.level === level &&
    text.test((m as EventMessage & { body: { text: string } }).body.text);
}

export function scannerState(state: string) {
  return (m: GatewayMessage): boolean => m.type === 'event' && m.body.kind === 'scanner' && m.body.snapshot.state === state;
}
