import { SessionHeader } from './SessionHeader.js';
import { FailoverSlot } from './FailoverSlot.js';
import { ExamPanel } from './ExamPanel.js';
import { QueuePanel } from './QueuePanel.js';
import { ParameterCard } from './ParameterCard.js';
import { ScanControls } from './ScanControls.js';
import { ProgressPanel } from './ProgressPanel.js';
import { EventLog } from './EventLog.js';
import { ParticipantsPanel } from './ParticipantsPanel.js';
import { Viewport } from './Viewport.js';
import { SeriesStrip } from './SeriesStrip.js';
import { VideoPanes } from './VideoPanes.js';
import { useApp } from '../store/store.js';
import { EmergencyBanner } from './EmergencyBanner.js';
import { useIdleSignOut } from './use-idle-sign-out.js';
import { ChatPanel } from '../collab/ChatPanel.js';
import { CollabPanel } from '../collab/CollabPanel.js';
import { DeskAlarmBar } from '../desk/DeskAlarmBar.js';
import { DeskStrip } from '../desk/DeskStrip.js';
import { DeskConsoleWaiting } from '../desk/DeskConsoleWaiting.js';
import { MoreBelow } from './MoreBelow.js';

/**
 * One window for the whole session: the scanners' strip and alarms on top; the exam and queue
 * left, the image in the centre, the scanner room and people right; acquisition, events and chat
 * at the foot.
 */
export function SessionScreen() {
  const hasSnapshot = useApp((s) => s.snapshot !== null);
  const chatOpen = useApp((s) => s.chatOpen);
  useIdleSignOut();
  return (
    <div className="session">
      <SessionHeader />
      {/* The desk (several scanners): alarms from all of them, then one tile each; nothing without a desk. */}
      <DeskAlarmBar />
      <DeskStrip />
      <EmergencyBanner />
      <FailoverSlot />
      {hasSnapshot ? (
        <div className="session-body">
          <section className="column column-left" aria-label="Exam and protocol queue">
            <div className="left-scroll">
              <ExamPanel />
              <QueuePanel />
              {/* Proposals sit by the queue they would change. */}
              <CollabPanel />
              <ParameterCard />
              <MoreBelow what="the exam and the queue" />
            </div>
            {/* Outside the scrolling part: Start/Pause/Stop never scroll out of reach. */}
            <ScanControls />
          </section>
          <section className="column column-center" aria-label="Images">
            <Viewport />
            <SeriesStrip />
          </section>
          <section className="column column-right" aria-label="Scanner room and people">
            {/* Scanner-room video, my camera, call controls (components/VideoPanes.tsx) */}
            <VideoPanes />
            <ParticipantsPanel />
            <MoreBelow what="the people and your camera" />
          </section>
        </div>
      ) : (
        <DeskConsoleWaiting />
      )}
      <footer className={`session-footer with-chat${chatOpen ? '' : ' chat-hidden'}`}>
        <ProgressPanel />
        <EventLog />
        <ChatPanel />
      </footer>
    </div>
  );
}
