import type { EventMessage, GatewayMessage } from '../../../protocol/index.js';
import { OPEN_EXAM, type RawClient, useGatewayFixture } from '../../helpers/gateway.js';
import { OnsiteClient } from '../../helpers/onsite.js';

/** One gateway per test plus every client it opened, all closed after the test (tests/helpers/gateway.ts), and a scene to scan in. */
export function safetyFixture() {
  let ids = 0;
  const fixture = Object.assign(useGatewayFixture(), {
    async onsite(name = 'Onsite Tech'): Promise<OnsiteClient> {
      return fixture.closes(await OnsiteClient.connect(fixture.gateway, name));
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
      const interval = Math.max(20, fixture.gateway.heartbeatIntervalMs / 2);
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
      await onsite.grantTo(fixture.gateway, name);
      await operator.command(fixture.id('open'), OPEN_EXAM);
      await operator.command(fixture.id('queue'), { name: 'sequence.queue', protocolId: 'localizer' });
      if (checklist) await onsite.confirmChecklist();
      return { operator, onsite };
    },
  });
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
