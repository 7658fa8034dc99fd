import type { Random } from '../ports/random.js';
import { SeededRandom } from '../ports/random.js';
import type { ChatRequest, ChatResult, Llm } from '../llm/port.js';
import { fillSchema } from './schema-fill.js';

/** What each agent tends to say: the simulator's persona-aware phrase banks. */
const voices: Record<string, { openers: string[]; points: string[] }> = {
  opus: {
    openers: ['Bottom line —', 'Deadline check:', 'Priorities:', 'Where are we on this?'],
    points: ['ship the pricing page by Friday', 'cut scope on the launch thread', 'who owns the follow-up', 'we decide today'],
  },
  brain: {
    openers: ['The numbers say', 'Data point:', 'Careful —', 'Evidence first:'],
    points: ['weekend posts get 30% less engagement', 'data-rich posts get 2x replies', 'retention dips after week two', 'the sample is too small'],
  },
  growth: {
    openers: ['Ship it —', 'Quick test:', 'Try this now:', 'Signal spotted:'],
    points: ['a teaser before the main post', 'a referral loop in onboarding', 'posting at 9am local', 'a weekly changelog thread'],
  },
  creator: {
    openers: ["What's the narrative?", 'Story angle:', 'Picture this:', 'The hook is'],
    points: ['the late-night bug that shaped the launch', 'our users as the heroes', 'a founder diary thread', 'one customer story a week'],
  },
  'twitter-alt': {
    openers: ['Hear me out —', 'Wild idea:', 'Crazy but', 'Hot take:'],
    points: ['reply-guy the big accounts', 'a meme format for release notes', 'go live while we build', 'post the failures too'],
  },
  observer: {
    openers: ["Something doesn't add up:", 'Noticed:', 'Risk:', 'Anomaly:'],
    points: ['three crawls failed on the same host', 'quota use spikes on Mondays', 'the queue backs up at noon', 'drafts outnumber posts 4 to 1'],
  },
};

function agentFrom(system: string): string {
  const m = /You are (\w[\w-]*)/.exec(system);
  const name = (m?.[1] ?? '').toLowerCase();
  if (name === 'x-alt') return 'twitter-alt';
  return voices[name] ? name : 'observer';
}

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r.next() * xs.length)] as T;

/**
 * A deterministic, persona-aware stand-in for a model, for the simulator:
 * free text in the speaker's voice, sized to what the prompt asks for, and
 * structured replies that fit the requested JSON schema (with agent ids taken
 * from the prompt). Same seed and same calls → same replies.
 */
export class ScriptedLlm implements Llm {
  private readonly random: Random;
  calls = 0;

  constructor(seed: number, private readonly agentIds: readonly string[]) {
    this.random = new SeededRandom(seed ^ 0x5eed);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    this.calls++;
    const system = req.system ?? req.messages.find((m) => m.role === 'system')?.content ?? '';
    const prompt = [system, ...req.messages.map((m) => m.content)].join('\n');
    const agent = agentFrom(system);
    const v = voices[agent] ?? (voices.observer as { openers: string[]; points: string[] });
    const sentence = (field = ''): string => {
      if (field === 'title') return `${pick(this.random, ['Research', 'Test', 'Write up', 'Review'])} ${pick(this.random, v.points)}`.slice(0, 80);
      if (field === 'reason') return pick(this.random, ['aligned on priorities', 'disagreed on strategy', 'built on each other', 'talked past each other']);
      return `${pick(this.random, v.openers)} ${pick(this.random, v.points)}.`;
    };
    let text: string;
    if (req.format) {
      const mentioned = this.agentIds.filter((id) => prompt.includes(id));
      text = JSON.stringify(fillSchema(req.format, { random: this.random, agentIds: mentioned.length ? mentioned : [...this.agentIds], sentence }));
    } else if (/# |Markdown, starting with/.test(system)) {
      text = `# ${sentence('title')}\n\n${sentence()} ${sentence()}\n\n${sentence()}`;
    } else if (/social media post|characters\. Output only the post/.test(system)) {
      text = `${sentence()} ${pick(this.random, ['#buildinpublic', '', ''])}`.trim();
    } else if (/analysis|Analyze/.test(prompt)) {
      text = `Findings: ${pick(this.random, v.points)}.\n\nRecommendation: ${pick(this.random, v.points)}.`;
    } else {
      text = sentence();
    }
    const promptTokens = Math.ceil(prompt.length / 4);
    const completionTokens = Math.ceil(text.length / 4);
    req.onToken?.(text);
    return { text, model: req.model, host: 'sim://scripted', promptTokens, completionTokens, durationMs: completionTokens * 2, doneReason: 'stop' };
  }
}
