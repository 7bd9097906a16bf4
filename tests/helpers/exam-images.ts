import { expect } from 'vitest';
import type { Gateway } from '../../gateway/server/gateway.js';
import { OPEN_EXAM, RawClient } from './gateway.js';
import { onsiteGrants, type OnsiteClient } from './onsite.js';

/** Greeted, and pinging like a workstation so the gateway keeps the link. The caller closes it. */
export async function joinWithHeartbeat(gateway: Gateway, role: 'operator' | 'observer' | 'onsite', name: string): Promise<RawClient> {
  const client = await RawClient.greeted(gateway.url, role, name);
  const heartbeat = setInterval(() => client.ws.readyState === client.ws.OPEN && client.sendJson({ type: 'ping', t: Date.now() }), 100);
  client.ws.on('close', () => clearInterval(heartbeat));
  return client;
}

/**
 * `operator` (named `name`) opens an exam and runs the localizer to completion, onsite staff
 * granting control and confirming the checklist; returns that onsite client, for the caller to close.
 */
export async function runLocalizer(gateway: Gateway, operator: RawClient, name: string): Promise<OnsiteClient> {
  const onsite = await onsiteGrants(gateway, name);
  expect((await operator.command('cmd-open-000001', OPEN_EXAM)).outcome).toBe('done');
  expect((await operator.command('cmd-queue-00001', { name: 'sequence.queue', protocolId: 'localizer' })).outcome).toBe('done');
  await onsite.confirmChecklist();
  expect((await operator.command('cmd-start-00001', { name: 'scan.start' })).outcome).toBe('done');
  await operator.next((m) => m.type === 'exam.catalogue' && m.catalogue.series[0]?.status === 'complete');
  return onsite;
}
