import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { MAX_CHAT_CHARS, type ChatEntry } from '../../../protocol/collaboration.js';
import { appStore, useApp } from '../store/store.js';
import { unreadChat } from '../store/collab-slice.js';
import { formatClock } from '../../../base/common/clock.js';
import { ROLE_WORDS } from './collab-words.js';
import { CollabOutcomeLine } from './CollabOutcomeLine.js';
import './collab.css';

/** Lines closer than this to the bottom count as "reading the newest". */
const STICK_PX = 24;

/**
 * The exam's text chat among the remote technologist, onsite staff and observers (kept per exam
 * at the gateway, replayed on reconnect). Newest at the bottom; it follows new lines unless the
 * technologist scrolled up to read. Observers read but do not write (the gateway refuses them).
 * Collapsed, it shows how many lines came since it was last read.
 */
export function ChatPanel() {
  const open = useApp((s) => s.chatOpen);
  const chat = useApp((s) => s.collab?.chat ?? EMPTY);
  const link = useApp((s) => s.link);
  const unread = useApp((s) => unreadChat(s.collab, s.chatSeenAt, { name: s.link.name, role: s.link.role }));
  if (!open) {
    return (
      <div className="panel chat-panel chat-collapsed" aria-label="Chat (hidden)">
        <button type="button" className="chat-toggle" data-testid="chat-open" onClick={() => appStore.getState().setChatOpen(true)} title="Show the chat">
          Chat
          {unread > 0 ? (
            <span className="chat-unread" data-testid="chat-unread" aria-label={`${unread} unread`}>
              {unread}
            </span>
          ) : null}
        </button>
      </div>
    );
  }
  return (
    <div className="panel chat-panel" aria-labelledby="chat-title">
      <div className="panel-head">
        <h2 className="panel-title" id="chat-title">
          Chat
        </h2>
        <span className="muted">with onsite staff and observers</span>
        <button
          type="button"
          className="ghost small"
          data-testid="chat-hide"
          onClick={() => appStore.getState().setChatOpen(false)}
          title="Hide the chat (new messages are counted)"
        >
          Hide
        </button>
      </div>
      <ChatLines chat={chat} />
      {link.role === 'observer' ? (
        <p className="muted chat-note" data-testid="chat-observer-note">
          Observers read the chat; only the operator and onsite staff write.
        </p>
      ) : (
        <ChatInput />
      )}
    </div>
  );
}

const EMPTY: ChatEntry[] = [];

function ChatLines({ chat }: { chat: ChatEntry[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const shown = useRef(chat.length);

  useLayoutEffect(() => {
    const added = chat.length - shown.current;
    shown.current = chat.length;
    const el = scroller.current;
    if (stick.current) {
      if (el) el.scrollTop = el.scrollHeight;
      appStore.getState().markChatSeen();
    } else if (added > 0) {
      setUnseen((n) => n + added);
    }
  }, [chat]);

  const toNewest = () => {
    stick.current = true;
    setUnseen(0);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    appStore.getState().markChatSeen();
  };

  return (
    <div className="chat-frame">
      <div
        className="chat-lines"
        ref={scroller}
        tabIndex={0}
        role="log"
        aria-live="polite"
        aria-label="Chat messages"
        data-testid="chat-lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
          stick.current = atBottom;
          if (atBottom) {
            setUnseen(0);
            appStore.getState().markChatSeen();
          }
        }}
      >
        {chat.length === 0 ? <p className="empty-note">No messages for this exam yet.</p> : null}
        <ol>
          {chat.map((entry) => (
            <li key={entry.id} className={`chat-line from-${entry.from.role}`} data-testid="chat-line">
              <span className="mono muted chat-time">{formatClock(entry.at)}</span>{' '}
              <span className="chat-from">
                {entry.from.name} <span className={`chat-role role-${entry.from.role}`}>{ROLE_WORDS[entry.from.role]}</span>
              </span>{' '}
              <span className="chat-text" data-testid="chat-text">
                {entry.text}
              </span>
            </li>
          ))}
        </ol>
      </div>
      {unseen > 0 ? (
        <button type="button" className="small log-new-entries" data-testid="chat-new-messages" onClick={toNewest}>
          ↓ {unseen} new {unseen === 1 ? 'message' : 'messages'}
        </button>
      ) : null}
    </div>
  );
}

function ChatInput() {
  const [text, setText] = useState('');
  const linkUp = useApp((s) => s.link.status === 'connected');
  const send = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    void appStore
      .getState()
      .sendCollab('chat', { name: 'chat.send', text: trimmed })
      .then((outcome) => {
        // Kept when refused, so nothing typed is lost.
        if (outcome?.state === 'done') setText((current) => (current.trim() === trimmed ? '' : current));
      });
  };
  return (
    <form className="chat-input" onSubmit={send}>
      <label htmlFor="chat-text-input" className="sr-only">
        Message
      </label>
      <input
        id="chat-text-input"
        data-testid="chat-input"
        value={text}
        maxLength={MAX_CHAT_CHARS}
        placeholder="Message to the scanner room…"
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
      />
      <button
        type="submit"
        data-testid="chat-send"
        disabled={!linkUp || text.trim() === ''}
        title={linkUp ? 'Send to everyone in this exam' : 'Link not connected'}
      >
        Send
      </button>
      <CollabOutcomeLine origin="chat" quietWhenDone />
    </form>
  );
}
