import { useState, type FormEvent } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { shortDate, timeAgo } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useAutonomy, type Post } from '../../store/autonomy-store.js';

const fields = ['likes', 'reposts', 'replies'] as const;
type Field = (typeof fields)[number];

function MetricsForm({ post }: { post: Post }) {
  const recordMetrics = useAutonomy((s) => s.recordMetrics);
  const [values, setValues] = useState<Record<Field, string>>({ likes: String(post.likes), reposts: String(post.reposts), replies: String(post.replies) });
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const numbers = Object.fromEntries(fields.map((f) => [f, Number(values[f])])) as Record<Field, number>;
  const invalid = fields.some((f) => values[f].trim() === '' || !Number.isInteger(numbers[f]) || numbers[f] < 0);
  const dirty = fields.some((f) => numbers[f] !== post[f]) || post.metricsAt === null;
  const onSubmit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (invalid) return;
    setSaving(true);
    setError(await recordMetrics(post.id, numbers));
    setSaving(false);
  };
  return (
    <form className="metrics-form" onSubmit={(e) => void onSubmit(e)} aria-label={`Engagement of post #${post.id}`}>
      {fields.map((f) => (
        <label key={f} className="metric-field">
          <span className="field-label">{f}</span>
          <input
            className="input input-number"
            type="number"
            min={0}
            step={1}
            aria-label={`${f} of post #${post.id}`}
            value={values[f]}
            onChange={(e) => {
              setError(null);
              setValues((v) => ({ ...v, [f]: e.target.value }));
            }}
          />
        </label>
      ))}
      <button type="submit" className="btn btn-primary btn-small" disabled={invalid || saving || !dirty}>
        {saving ? 'Saving…' : 'Save'}
      </button>
      {(error || invalid) && (
        <div className="field-error metrics-error" role="alert">
          {error ?? 'Counts are whole numbers, 0 or more.'}
        </div>
      )}
    </form>
  );
}

/** Posts that went out, and their engagement as you see it on the platform: what outcome learning learns from. */
export function PostsPanel({ now }: { now: number }) {
  const posts = useAutonomy((s) => s.posts);
  const loaded = useAutonomy((s) => s.loaded);
  const agents = useAgents((s) => s.agents);
  return (
    <section className="panel" aria-label="Posts" data-testid="posts-panel">
      <header className="panel-head">
        <h2>Posts</h2>
        <span className="panel-meta">enter likes, reposts and replies: the agents learn which posts worked</span>
      </header>
      {!loaded ? (
        <Skeleton lines={3} />
      ) : posts.length === 0 ? (
        <EmptyState title="Nothing posted yet">Posts the agents publish (Bluesky, X) are listed here for their engagement.</EmptyState>
      ) : (
        <ul className="post-list">
          {posts.map((p) => (
            <li key={p.id} className="post-row" data-testid="post-row" data-post={p.id} data-measured={p.metricsAt !== null}>
              <div className="post-main">
                <div className="post-meta">
                  <span className="badge badge-info">{p.platform}</span>
                  <span>{agentName(agents, p.agentId)}</span>
                  <span className="cell-sub" title={shortDate(p.postedAt)}>
                    {timeAgo(p.postedAt, now)}
                  </span>
                  {p.url && (
                    <a href={p.url} target="_blank" rel="noreferrer">
                      open
                    </a>
                  )}
                  <span className="cell-sub" data-testid="post-measured">
                    {p.metricsAt ? `measured ${timeAgo(p.metricsAt, now)}` : 'not measured yet'}
                  </span>
                </div>
                <p className="post-text">{p.text}</p>
              </div>
              <MetricsForm post={p} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
