import type { CSSProperties } from 'react';
import { agentLook } from '../lib/agent-look.js';
import type { ActivityState } from '../lib/agent-activity.js';

interface Props {
  agentId: string | null | undefined;
  name?: string;
  size?: 'sm' | 'md' | 'lg';
  state?: ActivityState;
}

/** The agent's badge: its glyph on its colour, ringed by what it is doing. */
export function AgentAvatar({ agentId, name, size = 'md', state }: Props) {
  const look = agentLook(agentId);
  const style = { '--agent': look.color, '--agent-soft': look.soft } as CSSProperties;
  return (
    <span className={`avatar avatar-${size}${state ? ` avatar-${state}` : ''}`} style={style} title={name ?? agentId ?? 'System'} aria-hidden="true">
      {look.glyph}
    </span>
  );
}
