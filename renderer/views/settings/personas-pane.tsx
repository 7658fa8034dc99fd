import { useAgents } from '../../store/agents-store.js';
import { PersonaCard } from './persona-card.js';

export function PersonasPane() {
  const agents = useAgents((s) => s.agents);
  return (
    <div className="persona-grid">
      {agents.map((a) => (
        <PersonaCard key={a.id} agent={a} />
      ))}
    </div>
  );
}
