import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MAX_STATUS_IDS, PROTOCOL_VERSION, type CommandStatusResultMessage, type ErrorMessage } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { OPEN_EXAM, RawClient, startTestGateway } from '../../helpers/gateway.js';
import { signedIn } from '../../helpers/accounts.js';
import { onsiteGrants, type OnsiteClient } from '../../helpers/onsite.js';

let gateway: Gateway;
const clients: RawClient[] = [];
const onsites: OnsiteClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const o of onsites.splice(0)) o.close();
  await gateway?.close();
});

async function operator(name = 'Status Tech'): Promise<RawClient> {
  const c = await RawClient.greeted(gateway.url, 'operator', name);
  clients.push(c);
  onsites.push(await onsiteGrants(gateway, name));
  return c;
}

async function status(c: RawClient, ids: string[]): Promise<CommandStatusResultMessage> {
  const from = c.messages.length;
  c.sendJson({ type: 'command.status', ids });
  return c.next<CommandStatusResultMessage>((m) => m.type === 'command.status.result', from);
}

const commandDecisions = () => gateway.store.auditTrail(10_000).filter((r) => r.action.startsWith('command ') && r.decision !== 'duplicate');

describe('command.status', () => {
  it('answers the stored outcome of known ids without applying anything again', async () => {
    gateway = await startTestGateway();
    const c = await operator();
    await c.command('status-done-1', OPEN_EXAM);
    await c.command('status-rejected-1', { name: 'sequence.queue', protocolId: 'no-such-protocol' });
    const before = { seq: gateway.events.lastSeq, decisions: commandDecisions().length };
    const answer = await status(c, ['status-done-1', 'status-rejected-1']);
    expect(answer.results).toEqual([
      { id: 'status-done-1', known: true, outcome: 'done', code: null, reason: null },
      expect.objectContaining({ id: 'status-rejected-1', known: true, outcome: 'rejected', code: ErrorCode.UNKNOWN_PROTOCOL }),
    ]);
    expect(gateway.events.lastSeq).toBe(before.seq); // the scanner did not move
    expect(commandDecisions()).toHaveLength(before.decisions);
    expect(gateway.store.auditTrail().some((r) => r.action === 'command.status' && r.decision === 'answered')).toBe(true);
  });

  it('says an id it never received is unknown, and never applies that command afterwards', async () => {
    gateway = await startTestGateway();
    const c = await operator();
    expect((await status(c, ['status-never-1'])).results).toEqual([{ id: 'status-never-1', known: false }]);
    // A copy of the command that was still on its way arrives late: it must not run.
    const late = await c.command('status-never-1', OPEN_EXAM);
    expect(late).toMatchObject({ outcome: 'rejected', code: ErrorCode.NOT_APPLIED });
    expect(gateway.snapshot().exam).toBeNull();
    expect((await status(c, ['status-never-1'])).results[0]).toMatchObject({ known: true, outcome: 'rejected', code: ErrorCode.NOT_APPLIED });
  });

  it(`refuses more than ${MAX_STATUS_IDS} ids with a stable code, and the link stays up`, async () => {
    gateway = await startTestGateway();
    const c = await operator();
    const from = c.messages.length;
    c.sendJson({ type: 'command.status', ids: Array.from({ length: MAX_STATUS_IDS + 1 }, (_, i) => `status-many-${i}`) });
    expect(await c.next<ErrorMessage>((m) => m.type === 'error', from)).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect((await status(c, ['status-after-1'])).results).toHaveLength(1);
  });

  it('needs a hello first', async () => {
    gateway = await startTestGateway();
    const c = await RawClient.connect(gateway.url);
    clients.push(c);
    c.sendJson({ type: 'command.status', ids: ['status-early-1'] });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.HELLO_REQUIRED });
    c.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: await signedIn(gateway.url, 'Late', 'observer') });
    await c.next((m) => m.type === 'welcome');
  });
});
