/** The step kinds the Give task dialog offers, each with a payload to start from. */
export interface StepTemplate {
  kind: string;
  label: string;
  hint: string;
  payload: Record<string, unknown>;
}

export const stepTemplates: readonly StepTemplate[] = [
  {
    kind: 'analyze',
    label: 'Analyze',
    hint: 'Study a topic and write up findings.',
    payload: { topic: 'What our readers asked about this week', question: 'Which question comes up most?' },
  },
  {
    kind: 'write_content',
    label: 'Write content',
    hint: 'Draft an article or post.',
    payload: { title: 'Lessons from running a company of agents', brief: 'A 600-word post for founders: what worked, what broke, what we would keep.' },
  },
  { kind: 'crawl', label: 'Crawl', hint: 'Fetch a web page and extract its text.', payload: { url: 'https://example.com/' } },
  {
    kind: 'draft_tweet',
    label: 'Draft tweet',
    hint: 'Draft a short post; nothing is published.',
    payload: { topic: 'A one-line insight from today', platform: 'x' },
  },
  { kind: 'post_bluesky', label: 'Post to Bluesky', hint: 'Publishes: needs approval.', payload: { text: 'Hello from emtesseract.' } },
  { kind: 'post_tweet', label: 'Post to X', hint: 'Publishes: needs approval.', payload: { text: 'Hello from emtesseract.' } },
  { kind: 'roundtable', label: 'Call a meeting', hint: 'Queue a roundtable conversation.', payload: { format: 'standup', topic: 'What should we focus on this week?' } },
  { kind: 'wait', label: 'Wait', hint: 'Pause the plan for a while.', payload: { seconds: 5 } },
];

/** A label for a kind the templates do not know: "post_tweet" → "Post tweet". */
export function kindLabel(kind: string): string {
  const t = templateFor(kind);
  if (t) return t.label;
  const s = kind.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function templateFor(kind: string): StepTemplate | undefined {
  return stepTemplates.find((t) => t.kind === kind);
}

export function payloadText(kind: string): string {
  return JSON.stringify(templateFor(kind)?.payload ?? {}, null, 2);
}
