import type { ChatEntry, CollabEventBody, CollabState, Handover, Proposal } from './collaboration.js';

/** The collaboration events the talk is made of: chat lines, proposals and the handover. */
type TalkEvent = Extract<CollabEventBody, { kind: 'chat' | 'proposal' | 'handover' }>;

/**
 * The open exam's talk as a client holds it (the workstation's collaboration mirror and the onsite
 * console): its chat, each line once (a replay after a resume may repeat one) and no more than
 * `bounds.chat` lines, the oldest going first; its pending proposals, no more than
 * `bounds.proposals`, a settled one gone (it is told once, in the log); and the handover
 * (docs/architecture.md "Collaboration"). Without the bounds a long exam's talk, or a gateway
 * that sent more than its own limits, would have the client hold and show every line. Known by
 * id, so a line costs the same however many are held, and each list is copied once per view after
 * it changed, not once per event (docs/architecture.md "Pushes to the window"), as the marks are
 * (exam-marks.ts).
 */
export class ExamTalk {
  /** Every line by id, in the order they came (a Map keeps insertion order). */
  private readonly chat = new Map<string, ChatEntry>();
  /** The pending proposals by id, the one last told of last. */
  private readonly proposals = new Map<string, Proposal>();
  private handover: Handover | null = null;
  private shownChat: ChatEntry[] = [];
  private shownProposals: Proposal[] = [];
  private chatChanged = false;
  private proposalsChanged = false;

  /** `bounds`: how many chat lines and pending proposals this client keeps. */
  constructor(private readonly bounds: { chat: number; proposals: number }) {}

  /** The whole talk, as the catch-up after a welcome gives it (the newest within the bounds). */
  reset(state: Pick<CollabState, 'chat' | 'proposals' | 'handover'>): void {
    this.chat.clear();
    this.proposals.clear();
    for (const entry of state.chat.slice(-this.bounds.chat)) if (!this.chat.has(entry.id)) this.addLine(entry);
    for (const proposal of state.proposals.slice(-this.bounds.proposals)) this.putProposal(proposal);
    this.handover = state.handover;
    this.chatChanged = true;
    this.proposalsChanged = true;
  }

  /** One event on top of the catch-up; false when it is a chat line already held (a replay), so nothing is new. */
  apply(event: TalkEvent): boolean {
    switch (event.kind) {
      case 'chat':
        if (this.chat.has(event.entry.id)) return false;
        this.addLine(event.entry);
        this.chatChanged = true;
        return true;
      case 'proposal': {
        const held = this.proposals.delete(event.proposal.id);
        // Only pending proposals wait for an answer; one answered or withdrawn leaves.
        const pending = event.proposal.status === 'pending';
        if (pending) this.putProposal(event.proposal);
        if (held || pending) this.proposalsChanged = true;
        return true;
      }
      case 'handover':
        this.handover = event.handover;
        return true;
    }
  }

  /**
   * A new exam: only the lines said in it stay (the gateway keeps chat per exam; the new exam's
   * own lines arrive as events). Proposals and the handover are not the exam's and stay.
   */
  examChanged(studyUid: string | null): void {
    for (const [id, entry] of this.chat) {
      if (entry.studyUid === studyUid) continue;
      this.chat.delete(id);
      this.chatChanged = true;
    }
  }

  /**
   * `state` with the talk held now: `state` itself when it already shows it, else a new object,
   * so a view already handed out is never changed under its holder. Its chat and proposals are
   * the same arrays until they change.
   */
  view(state: CollabState): CollabState {
    if (this.chatChanged) {
      this.shownChat = [...this.chat.values()];
      this.chatChanged = false;
    }
    if (this.proposalsChanged) {
      this.shownProposals = [...this.proposals.values()];
      this.proposalsChanged = false;
    }
    if (state.chat === this.shownChat && state.proposals === this.shownProposals && state.handover === this.handover) return state;
    return { ...state, chat: this.shownChat, proposals: this.shownProposals, handover: this.handover };
  }

  private addLine(entry: ChatEntry): void {
    this.chat.set(entry.id, entry);
    if (this.chat.size > this.bounds.chat) this.chat.delete(this.chat.keys().next().value!);
  }

  /** Last in order, as the newest told of; the oldest goes past the bound. */
  private putProposal(proposal: Proposal): void {
    this.proposals.delete(proposal.id);
    this.proposals.set(proposal.id, proposal);
    if (this.proposals.size > this.bounds.proposals) this.proposals.delete(this.proposals.keys().next().value!);
  }
}
