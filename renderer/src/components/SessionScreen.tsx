import { SessionHeader } from './SessionHeader.js';
import { FailoverSlot } from './FailoverSlot.js';
import { ExamPanel } from './ExamPanel.js';
import { QueuePanel } from './QueuePanel.js';
import { ParameterCard } from './ParameterCard.js';
import { ScanControls } from './ScanControls.js';
import { ProgressPanel } from './ProgressPanel.js';
import { EventLog } from './EventLog.js';
import { ParticipantsPanel } from './ParticipantsPanel.js';
import { ReservedRegion } from './ReservedRegion.js';
import { useApp } from '../store/store.js';

/** One window for the whole session, laid out as in shared/UI.md. */
export function SessionScreen() {
  const hasSnapshot = useApp((s) => s.snapshot !== null);
  return (
    <div className="session">
      <SessionHeader />
      <FailoverSlot />
      {hasSnapshot ? (
        <div className="session-body">
          <section className="column column-left" aria-label="Exam and protocol queue">
            <div className="left-scroll">
              <ExamPanel />
              <QueuePanel />
              <ParameterCard />
            </div>
            {/* Outside the scrolling part: Start/Pause/Stop never scroll out of reach. */}
            <ScanControls />
          </section>
          <section className="column column-center" aria-label="Images">
            <ReservedRegion
              className="viewport-region"
              region="viewport"
              title="Viewport"
              note="Live images appear here once the viewer is part of this build."
              watermark="Not for diagnostic use"
            />
            <ReservedRegion className="series-region" region="series-strip" title="Series strip" note="Series thumbnails, newest last." />
          </section>
          <section className="column column-right" aria-label="Scanner room and people">
            <ReservedRegion className="video-region" region="video-room" title="Scanner-room video" note="Onsite camera: not part of this build." />
            <ReservedRegion className="video-self" region="video-self" title="My camera" note="Not part of this build." />
            <ParticipantsPanel />
          </section>
        </div>
      ) : (
        <p className="waiting panel" role="status">
          Connected; waiting for the gateway's scanner snapshot.
        </p>
      )}
      <footer className="session-footer">
        <ProgressPanel />
        <EventLog />
      </footer>
    </div>
  );
}
