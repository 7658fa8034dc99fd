import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { clockTime } from '../../lib/time-format.js';
import { useAgentDetail } from '../../store/agent-detail-store.js';
import type { Agent } from '../../store/entities.js';

/** One-on-one with the agent: it answers in its own voice, with what it remembers. */
export function ChatPanel({ agent }: { agent: Agent }) {
  const chat = useAgentDetail((s) => s.chat);
  const pending = useAgentDetail((s) => s.pending);
  const loaded = useAgentDetail((s) => s.loaded);
  const send = useAgentDetail((s) => s.send);
  const [text, setText] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  // The newest message in view inside the chat, never by scrolling the page (that moved the whole view on opening an agent).
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat.length, pending]);

  const submit = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    const msg = text.trim();
    if (!msg || pending !== null) return;
    setText('');
    // A failed call stores nothing: give the text back to send again.
    if (!(await send(msg))) setText((t) => t || msg);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <section className="panel chat-panel" aria-label={`Chat with ${agent.displayName}`} data-testid="chat-panel">
      <header className="panel-head">
        <h2>Chat with {agent.displayName}</h2>
        <span className="panel-meta">answers in its voice, with its memories</span>
      </header>
      <div ref={scroller} className="chat-scroll">
        {!loaded ? (
          <Skeleton lines={4} />
        ) : chat.length === 0 && pending === null ? (
          <EmptyState title={`Say hello to ${agent.displayName}`}>Ask what it is working on, or what it has learned.</EmptyState>
        ) : (
          <ol className="chat-list">
            {chat.map((m) => (
              <li key={m.id} className={`chat-msg chat-${m.role}`} data-testid="chat-message" data-role={m.role}>
                {m.role === 'agent' && <AgentAvatar agentId={agent.id} name={agent.displayName} size="sm" />}
                <div className="chat-bubble">
                  <p>{m.text}</p>
                  <span className="chat-time">{clockTime(m.createdAt)}</span>
                </div>
              </li>
            ))}
            {pending !== null && (
              <>
                <li className="chat-msg chat-user is-pending" data-testid="chat-message" data-role="user" data-pending="true">
                  <div className="chat-bubble">
                    <p>{pending}</p>
                  </div>
                </li>
                <li className="chat-msg chat-agent" data-testid="chat-thinking" aria-live="polite">
                  <AgentAvatar agentId={agent.id} name={agent.displayName} size="sm" state="working" />
                  <div className="chat-bubble chat-thinking">
                    <span className="typing-dots" aria-hidden="true">
                      <span />
                      <span />
                      <span />
                    </span>
                    <span className="cell-sub">{agent.displayName} is thinking…</span>
                  </div>
                </li>
              </>
            )}
          </ol>
        )}
      </div>
      <form className="chat-form" onSubmit={(e) => void submit(e)}>
        <textarea
          className="input"
          rows={2}
          maxLength={4000}
          aria-label="Message"
          placeholder={agent.enabled ? `Message ${agent.displayName}… (Enter to send)` : `${agent.displayName} is turned off`}
          value={text}
          disabled={!agent.enabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" className="btn btn-primary" disabled={!text.trim() || pending !== null || !agent.enabled}>
          {pending !== null ? 'Waiting…' : 'Send'}
        </button>
      </form>
    </section>
  );
}
