import { describe, expect, it } from 'vitest';
import { ImageChunkAssembler, PROTOCOL_VERSION, decodeImageFrame, type GatewayMessage } from '../../../protocol/index.js';
import type { ObserverPhi } from '../../../gateway/server/observer-phi.js';
import { formatPersonName } from '../../../base/common/person-name.js';
import { storescu } from '../../helpers/dcmtk.js';
import { SAMPLES_DIR } from '../../helpers/dicom-samples.js';
import { signedIn } from '../../helpers/accounts.js';
import { OPEN_EXAM, PATIENT, useGatewayFixture, type RawClient } from '../../helpers/gateway.js';
import { onsiteGrants } from '../../helpers/onsite.js';

/** Identifiers of the exam's patient and of the two real DICOM files pushed in. */
const IDENTIFIERS = [
  PATIENT.name,
  formatPersonName(PATIENT.name),
  PATIENT.id,
  PATIENT.birthDate,
  OPEN_EXAM.accessionNumber,
  'CompressedSamples^MR',
  '4MR1',
  '5MR2',
  '19500112',
];

const f = useGatewayFixture();

/** The tag of Pixel Data (7FE0,0010) as it is written in Little Endian (PS3.5 7.1). */
const PIXEL_DATA_TAG = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);

/**
 * What of a frame can carry an identifier as text: a JSON frame less its thumbnails' pixels, an
 * image frame (put together from its parts) up to its Pixel Data. Pixels are noise seeded by the
 * series UID, which is new in every run: four given bytes turn up in them now and then (one run
 * in many found "4MR1" in base64 or pixel bytes), a coincidence, not a leak.
 */
function textOf(data: Buffer, isBinary: boolean, parts: ImageChunkAssembler): Buffer | null {
  if (!isBinary) {
    const message = JSON.parse(data.toString()) as GatewayMessage;
    if (message.type !== 'exam.catalogue') return Buffer.from(data);
    const series = message.catalogue.series.map((s) => ({ ...s, thumbnail: s.thumbnail && { ...s.thumbnail, pixels: '' } }));
    return Buffer.from(JSON.stringify({ ...message, catalogue: { ...message.catalogue, series } }));
  }
  const frame = parts.add(data);
  if (!frame) return null;
  const { header, part10 } = decodeImageFrame(frame);
  const bytes = Buffer.from(part10.buffer, part10.byteOffset, part10.byteLength);
  const pixelData = bytes.indexOf(PIXEL_DATA_TAG);
  expect(pixelData, 'an image frame without Pixel Data').toBeGreaterThan(0);
  return Buffer.concat([Buffer.from(JSON.stringify(header)), bytes.subarray(0, pixelData)]);
}

/** Every frame a client receives, as the bytes that could carry text (`textOf`); pings keep the link alive meanwhile. */
function recordFrames(client: RawClient): Buffer[] {
  const frames: Buffer[] = [];
  const parts = new ImageChunkAssembler();
  const heartbeat = setInterval(() => client.ws.readyState === client.ws.OPEN && client.sendJson({ type: 'ping', t: Date.now() }), 100);
  client.ws.on('close', () => clearInterval(heartbeat));
  client.ws.on('message', (data: Buffer, isBinary: boolean) => {
    const text = textOf(data, isBinary, parts);
    if (text) frames.push(text);
  });
  return frames;
}

const leaked = (frames: Buffer[]) => IDENTIFIERS.filter((id) => frames.some((f) => f.includes(Buffer.from(id, 'latin1'))));

/**
 * An exam with everything an observer could see: the welcome snapshot, snapshot events, notices
 * naming the patient (checklist confirmed, a call for help), simulator images, two real images pushed by
 * DCMTK storescu, and a resumed link that replays all of it.
 */
async function examWatchedBy(observerPhi: ObserverPhi) {
  const gateway = await f.start({ timeScale: 200, observerPhi, dicom: { port: 0, host: '127.0.0.1', aeTitle: 'LARMOR' } });
  const operator = await f.client('operator', 'Remote Tech');
  const onsite = f.closes(await onsiteGrants(gateway, 'Remote Tech'));
  const operatorFrames = recordFrames(operator);
  const observer = await f.connect();
  const observerFrames = recordFrames(observer);
  observer.sendJson({ type: 'hello', version: PROTOCOL_VERSION, role: 'observer', credentials: await signedIn(gateway.url, 'Student', 'observer') });
  await observer.next((m) => m.type === 'welcome');
  await operator.command('phi-00001', OPEN_EXAM);
  await operator.command('phi-00002', { name: 'sequence.queue', protocolId: 'localizer' });
  await onsite.confirmChecklist();
  // Staff may name the patient in a call for help: the alarm's words carry it besides the notice's text.
  await onsite.act({ name: 'help.call', reason: `${PATIENT.name} (${PATIENT.id}) is anxious` });
  await operator.command('phi-00003', { name: 'scan.start' });
  await storescu(gateway.imaging!.dicomPort!, [`${SAMPLES_DIR}/MR_small.dcm`, `${SAMPLES_DIR}/MR2_UNCR.dcm`]);
  await expect.poll(() => observer.images.length).toBe(11);
  // A second observer resumes from the start of this boot: the buffer replays every event.
  const late = await f.connect();
  const lateFrames = recordFrames(late);
  late.sendJson({
    type: 'hello',
    version: PROTOCOL_VERSION,
    role: 'observer',
    credentials: await signedIn(gateway.url, 'Late Student', 'observer'),
    resumeFrom: 1,
    resumeBootId: gateway.bootId,
  });
  const welcome = await late.next<Extract<GatewayMessage, { type: 'welcome' }>>((m) => m.type === 'welcome');
  await expect.poll(() => late.images.length).toBe(11);
  return { operatorFrames, observerFrames: [...observerFrames, ...lateFrames], welcome };
}

describe('observer PHI policy', () => {
  it('none: no observer-bound frame, text or binary, contains the patient name or ID bytes', async () => {
    const { operatorFrames, observerFrames } = await examWatchedBy('none');
    expect(leaked(operatorFrames)).toEqual(expect.arrayContaining([PATIENT.name, PATIENT.id, 'CompressedSamples^MR', '4MR1']));
    expect(leaked(observerFrames)).toEqual([]);
  });

  it('none: observers are told the exam is de-identified, and the audit notes it', async () => {
    const { welcome } = await examWatchedBy('none');
    expect(welcome.snapshot).toMatchObject({ deidentified: true, exam: { deidentified: true, accessionNumber: null, patient: { birthDate: null } } });
    expect(
      f.gateway.store
        .auditTrail()
        .filter((r) => r.action === 'observer phi')
        .map((r) => `${r.actor}:${r.decision}`),
    ).toEqual(['Student:de-identified', 'Late Student:de-identified']);
  });

  it('full: observers see the patient as the operator does', async () => {
    const { observerFrames, welcome } = await examWatchedBy('full');
    expect(leaked(observerFrames)).toEqual(expect.arrayContaining([PATIENT.name, PATIENT.id, 'CompressedSamples^MR']));
    expect(welcome.snapshot.deidentified).toBeUndefined();
    expect(welcome.snapshot.exam?.deidentified).toBeUndefined();
  });
});
