/** The participants of the messy reply's conversation. */
export const PEOPLE = ['opus', 'brain', 'growth', 'creator'];

/** Everything the rules must sort out, in one reply. */
export const messy = {
  memories: [
    { agent_id: 'opus', type: 'insight', content: 'Standups run long when nobody owns the agenda', confidence: 0.9, tags: ['meetings'] },
    { agent_id: 'brain', type: 'pattern', content: 'Weekend posts get 30% less engagement', confidence: 0.85, tags: ['engagement'] },
    { agent_id: 'growth', type: 'strategy', content: 'A teaser before the main post works better', confidence: 0.8, tags: ['Content', 'bad tag!'] },
    { agent_id: 'creator', type: 'lesson', content: 'Long posts tank read-through rates', confidence: 0.75, tags: [] },
    { agent_id: 'opus', type: 'preference', content: 'Prefers concise titles', confidence: 0.7, tags: [] },
    { agent_id: 'brain', type: 'insight', content: 'Users prefer posts with data', confidence: 0.65, tags: [] },
    { agent_id: 'growth', type: 'lesson', content: 'Testing many things at once muddies results', confidence: 0.6, tags: [] },
    { agent_id: 'creator', type: 'insight', content: 'Readers love behind-the-scenes stories', confidence: 0.58, tags: [] },
    { agent_id: 'opus', type: 'strategy', content: 'Review the numbers every Friday', confidence: 0.55, tags: [] },
    { agent_id: 'brain', type: 'insight', content: 'Maybe Tuesdays are better', confidence: 0.5, tags: [] }, // low confidence
    { agent_id: 'twitter-alt', type: 'insight', content: 'Memes win', confidence: 0.95, tags: [] }, // not in the room
    { agent_id: 'opus', type: 'opinion', content: 'Meetings are too long', confidence: 0.9, tags: [] }, // not one of the 5 types
    { agent_id: 'brain', type: 'pattern', content: 'Weekend posts get 30% less engagement!', confidence: 0.85, tags: [] }, // duplicate
    { agent_id: 'growth', type: 'insight', content: '   ', confidence: 0.9, tags: [] }, // empty
  ],
  pairwise_drift: [
    { agent_a: 'opus', agent_b: 'brain', drift: 0.2, reason: 'aligned on priorities' },
    { agent_a: 'growth', agent_b: 'creator', drift: -0.2, reason: 'argued about hooks' },
    { agent_a: 'brain', agent_b: 'twitter-alt', drift: -0.1, reason: 'not even here' },
    { agent_a: 'opus', agent_b: 'opus', drift: 0.1, reason: 'self' },
    { agent_a: 'brain', agent_b: 'opus', drift: 0.01, reason: 'same pair again' },
    { agent_a: 'creator', agent_b: 'opus', drift: 0.004, reason: 'rounds to nothing' },
  ],
  action_items: [
    { title: 'Research competitor pricing', agent_id: 'brain', step_kind: 'analyze' },
    { title: 'Draft the launch thread', agent_id: 'twitter-alt', step_kind: 'draft_tweet' },
    { title: 'Write the weekly recap', agent_id: 'creator', step_kind: 'write_content' },
    { title: 'research competitor pricing', agent_id: 'opus', step_kind: 'analyze' },
    { title: 'Deploy the new site', agent_id: 'growth', step_kind: 'deploy' },
  ],
};
