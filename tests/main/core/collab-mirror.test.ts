import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { handleApiRequest } from '../../../main/api-host.js';
import { OPEN_EXAM, startTestGateway } from '../../helpers/gateway.js';
import { onsiteGrants, type OnsiteClient } from '../../helpers/onsite.js';
import { testLogin } from '../../helpers/accounts.js';
import { ActivityLog } from './core-harness.js';

let gateway: Gateway | undefined;
const cores: WorkstationCore[] = [];
const onsites: OnsiteClient[] = [];

async function connected(role: 'operator' | 'observer', name: string): Promise<WorkstationCore> {
  const c = new WorkstationCore();
  cores.push(c);
  await c.connect({ url: gateway!.url, role, ...testLogin(name) });
  return c;
}

function until(c: WorkstationCore, predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate()) return resolve();
    const check = () => {
      if (!predicate()) return;
      c.off('state', check);
      resolve();
    };
    c.on('state', check);
  });
}

afterEach(async () => {
  for (const c of cores.splice(0)) c.disconnect();
  for (const o of onsites.splice(0)) o.close();
  await gateway?.close();
  gateway = undefined;
});

describe('WorkstationCore collaboration view', () => {
  it('brings the gateway catch-up and later chat into the workstation view', async () => {
    gateway = await startTestGateway({ requireChecklist: false });
    const first = await connected('operator', 'Remote Tech');
    onsites.push(await onsiteGrants(gateway, 'Remote Tech'));
    expect(await first.sendCollab({ name: 'chat.send', text: 'Patient is claustrophobic' })).toEqual({ action: 'chat.send', state: 'done', error: null });

    // A workstation joining later catches up on the chat said before it came.
    const late = await connected('observer', 'Trainer');
    await until(late, () => late.view().collab?.chat.length === 1);
    expect(late.view().collab?.chat[0]).toMatchObject({ text: 'Patient is claustrophobic', from: { name: 'Remote Tech', role: 'operator' } });

    const log = new ActivityLog(late);
    await first.sendCollab({ name: 'chat.send', text: 'Starting the T2' });
    await until(late, () => late.view().collab?.chat.length === 2);
    const line = await log.next((a) => a.type === 'collab');
    expect(line).toMatchObject({ type: 'collab', kind: 'chat', text: 'chat Remote Tech (operator): Starting the T2' });
  });

  it('adds each mark drawn to the view once, a replayed one too, and empties the image on a clear', async () => {
    gateway = await startTestGateway({ requireChecklist: false });
    const operator = await connected('operator', 'Remote Tech');
    const trainer = await connected('observer', 'Trainer');
    const uid = '2.25.8801';
    gateway.publishImage(
      { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: uid, seriesUid: '2.25.88', imagesInSeries: null },
      new Uint8Array(16),
    );
    const arrow = {
      name: 'mark.add' as const,
      sopInstanceUid: uid,
      shape: 'arrow' as const,
      points: [
        [1, 2],
        [3.04, 4],
      ] as [number, number][],
    };
    expect((await operator.sendCollab(arrow)).state).toBe('done');
    expect((await operator.sendCollab({ ...arrow, shape: 'circle' })).state).toBe('done');
    await until(trainer, () => trainer.view().collab?.marks.length === 2);
    expect(trainer.view().collab?.marks.map((m) => [m.shape, m.points[1]])).toEqual([
      ['arrow', [3, 4]],
      ['circle', [3, 4]],
    ]);
    // A mark event seen again (a replay after a resume) is not a second mark.
    const mirror = (trainer as unknown as { collab: { apply(body: unknown): void } }).collab;
    mirror.apply({ kind: 'mark', mark: trainer.view().collab!.marks[0] });
    expect(trainer.view().collab?.marks).toHaveLength(2);
    expect((await operator.sendCollab({ name: 'mark.clear', sopInstanceUid: uid })).state).toBe('done');
    await until(trainer, () => trainer.view().collab?.marks.length === 0);
  });

  it('refuses an observer’s chat with the gateway’s code, through the bridge request too', async () => {
    gateway = await startTestGateway();
    const observer = await connected('observer', 'Trainer');
    const outcome = await handleApiRequest(observer, 'collab.send', { name: 'chat.send', text: 'hello' });
    expect(outcome).toMatchObject({ action: 'chat.send', state: 'rejected', error: { code: ErrorCode.OBSERVER_RECEIVE_ONLY } });
  });

  it('refuses at once with LINK_DOWN when not connected, and rejects a malformed action at the gate', async () => {
    const idle = new WorkstationCore();
    cores.push(idle);
    expect(await idle.sendCollab({ name: 'chat.send', text: 'anyone?' })).toMatchObject({ state: 'rejected', error: { code: ErrorCode.LINK_DOWN } });
    await expect(handleApiRequest(idle, 'collab.send', { name: 'mark.add', sopInstanceUid: '1.2', shape: 'star', points: [] })).rejects.toMatchObject({
      code: ErrorCode.IPC_INVALID_PAYLOAD,
    });
  });

  it('keeps pending proposals until answered and applies an accepted one to the queue', async () => {
    gateway = await startTestGateway({ requireChecklist: false });
    const holder = await connected('operator', 'Remote Tech');
    const second = await connected('operator', 'Trainer');
    onsites.push(await onsiteGrants(gateway, 'Remote Tech'));
    expect((await holder.sendCommand(OPEN_EXAM)).state).toBe('done');
    expect(await second.sendCollab({ name: 'proposal.make', command: { name: 'sequence.queue', protocolId: 'localizer' } })).toMatchObject({ state: 'done' });
    await until(holder, () => holder.view().collab?.proposals.length === 1);
    const proposal = holder.view().collab!.proposals[0]!;
    expect(await holder.sendCollab({ name: 'proposal.answer', proposalId: proposal.id, accept: true })).toMatchObject({ state: 'done' });
    await until(holder, () => holder.view().collab?.proposals.length === 0 && holder.view().snapshot?.queue.length === 1);
    expect(holder.view().snapshot?.queue[0]?.protocolId).toBe('localizer');
  });
});
