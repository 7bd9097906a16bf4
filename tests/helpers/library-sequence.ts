import type { QueuedSequence } from '../../protocol/index.js';
import { PROTOCOL_LIBRARY } from '../../gateway/simulator/protocol-library.js';

/** A protocol of the simulator's library as a queued sequence being acquired: what an imager renders slices of. */
export function librarySequence(protocolId: string): QueuedSequence {
  const t = PROTOCOL_LIBRARY.find((p) => p.id === protocolId);
  if (!t) throw new Error(`no protocol ${protocolId} in the library`);
  return {
    id: `seq-${t.id}`,
    protocolId: t.id,
    name: t.name,
    kind: t.kind,
    params: t.params,
    acquisitionTimeS: t.acquisitionTimeS,
    status: 'acquiring',
    progress: 0,
    remainingS: t.acquisitionTimeS,
    endReason: null,
    seriesUid: null,
    seriesNumber: null,
  };
}
