import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { MAX_CHAT_CHARS, type ChatEntry, type Handover } from '../../protocol/index.js';
import type { OnsiteLink } from './onsite-link.js';
import { formatClock } from '../../base/common/clock.js';

const ROLE_WORDS = { operator: 'Remote', onsite: 'Onsite', observer: 'Observer' } as const;
const NO_CHAT: ChatEntry[] = [];

/** The exam's chat with the remote technologist and observers; onsite staff write too. */
export function OnsiteChat({ link, chat }: { link: OnsiteLink; chat: ChatEntry[] | null }) {
  const lines = chat ?? NO_CHAT;
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  const send = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    void link.collab({ name: 'chat.send', text: trimmed }).then((ack) => {
      if (ack.outcome === 'done') {
        setRefusal(null);
        setText((current) => (current.trim() === trimmed ? '' : current));
      } else setRefusal(`${ack.code}: ${ack.reason ?? 'refused'}`);
    });
  };
  return (
    <section className="panel onsite-chat" aria-labelledby="onsite-chat-title">
      <h2 className="panel-title" id="onsite-chat-title">
        Chat with the remote technologist
      </h2>
      <div
        className="onsite-chat-lines"
        ref={scroller}
        tabIndex={0}
        role="log"
        aria-live="polite"
        aria-label="Chat messages"
        data-testid="onsite-chat-lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length === 0 ? <p className="muted">No messages for this exam yet.</p> : null}
        <ol>
          {lines.map((c) => (
            <li key={c.id} data-testid="onsite-chat-line">
              <span className="mono muted">{formatClock(c.at)}</span> <strong>{c.from.name}</strong> <span className="muted">({ROLE_WORDS[c.from.role]})</span>{' '}
              <span data-testid="onsite-chat-text">{c.text}</span>
            </li>
          ))}
        </ol>
      </div>
      <form className="onsite-chat-input" onSubmit={send}>
        <label htmlFor="onsite-chat-input" className="sr-only">
          Message
        </label>
        <input
          id="onsite-chat-input"
          data-testid="onsite-chat-input"
          value={text}
          maxLength={MAX_CHAT_CHARS}
          placeholder="Message to the remote technologist…"
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" data-testid="onsite-chat-send" disabled={text.trim() === ''}>
          Send
        </button>
      </form>
      {refusal ? (
        <p className="tone-bad" role="status" data-testid="onsite-chat-refusal">
          ✕ Not sent: {refusal}
        </p>
      ) : null}
    </section>
  );
}

/**
 * A handover of remote control waits for onsite staff (onsite grants control): the checked-in
 * person confirms it, or declines it; the outcome stays in view until the next one.
 */
export function HandoverConfirm({ link, handover, checkedIn }: { link: OnsiteLink; handover: Handover | null; checkedIn: boolean }) {
  const [refusal, setRefusal] = useState<string | null>(null);
  if (!handover) return null;
  const answer = (action: 'handover.confirm' | 'handover.cancel') =>
    void link
      .collab({ name: action, handoverId: handover.id })
      .then((ack) => setRefusal(ack.outcome === 'done' ? null : `${ack.code}: ${ack.reason ?? 'refused'}`));
  return (
    <div
      className={`panel handover-confirm ${handover.status === 'awaiting-onsite' ? 'awaiting' : ''}`}
      data-testid="onsite-handover"
      data-status={handover.status}
      role="status"
    >
      {handover.status === 'awaiting-onsite' ? (
        <>
          <p>
            <strong>{handover.from.name}</strong> hands remote control to <strong>{handover.to.name}</strong>. It takes effect when you confirm.
          </p>
          <div className="onsite-row">
            <button
              type="button"
              className="primary"
              data-testid="onsite-handover-confirm"
              disabled={!checkedIn}
              title={checkedIn ? undefined : 'check in first'}
              onClick={() => answer('handover.confirm')}
            >
              Confirm handover
            </button>
            <button type="button" data-testid="onsite-handover-decline" onClick={() => answer('handover.cancel')}>
              Decline
            </button>
          </div>
        </>
      ) : handover.status === 'done' ? (
        <p className="tone-ok">
          ● Handover done: {handover.to.name} has remote control{handover.note ? ` (${handover.note})` : ''}
        </p>
      ) : (
        <p className="tone-warn">
          ▲ Handover to {handover.to.name} cancelled{handover.note ? `: ${handover.note}` : ''}
        </p>
      )}
      {refusal ? <p className="tone-bad">✕ {refusal}</p> : null}
    </div>
  );
}
