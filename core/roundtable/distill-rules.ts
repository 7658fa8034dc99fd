import { memoryTypes, type MemoryType } from '../memory/store.js';
import type { PairDrift } from '../relationships/store.js';
import type { DistillReply } from './distill-schema.js';
import { ACTION_STEP_KINDS } from './distill-schema.js';

/** Most memories one conversation leaves behind. */
export const MAX_MEMORIES_PER_CONVERSATION = 6;
/** "If you're not sure, don't remember it." */
export const MIN_MEMORY_CONFIDENCE = 0.55;

export interface KeptMemory {
  agentId: string;
  type: MemoryType;
  content: string;
  confidence: number;
  tags: string[];
}

export interface KeptActionItem {
  title: string;
  agentId: string;
  stepKind: (typeof ACTION_STEP_KINDS)[number];
}

export interface DistillPlan {
  memories: KeptMemory[];
  drifts: PairDrift[];
  actionItems: KeptActionItem[];
  dropped: {
    memories: { wrongType: number; unknownAgent: number; lowConfidence: number; empty: number; duplicate: number; overLimit: number };
    drifts: { invalidPair: number; duplicate: number; zero: number; disabled: number; clamped: number };
    actionItems: { notAllowed: number; invalid: number; duplicate: number };
  };
}

const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The distillation rules, applied to a reply that already passed the schema:
 * memories must have one of the five types, belong to a participant, carry
 * confidence ≥ 0.55 and not repeat; the six most confident are kept. Drifts
 * need two different participants, one per pair, and are clamped to
 * ±max_drift (two decimals, as affinity is stored). Action items only count
 * in formats that allow them.
 */
export function planDistillation(
  reply: DistillReply,
  opts: { participants: readonly string[]; actionItemsAllowed: boolean; maxDrift: number; driftEnabled: boolean },
): DistillPlan {
  const who = new Set(opts.participants);
  const plan: DistillPlan = {
    memories: [],
    drifts: [],
    actionItems: [],
    dropped: {
      memories: { wrongType: 0, unknownAgent: 0, lowConfidence: 0, empty: 0, duplicate: 0, overLimit: 0 },
      drifts: { invalidPair: 0, duplicate: 0, zero: 0, disabled: 0, clamped: 0 },
      actionItems: { notAllowed: 0, invalid: 0, duplicate: 0 },
    },
  };
  const dm = plan.dropped.memories;
  const seen = new Set<string>();
  const candidates: KeptMemory[] = [];
  for (const m of reply.memories) {
    const content = m.content.replace(/\s+/g, ' ').trim();
    if (!(memoryTypes as readonly string[]).includes(m.type)) dm.wrongType++;
    else if (!who.has(m.agent_id)) dm.unknownAgent++;
    else if (!(m.confidence >= MIN_MEMORY_CONFIDENCE)) dm.lowConfidence++;
    else if (!norm(content)) dm.empty++;
    else if (seen.has(`${m.agent_id}|${norm(content)}`)) dm.duplicate++;
    else {
      seen.add(`${m.agent_id}|${norm(content)}`);
      const tags = [...new Set(m.tags.map((t) => t.toLowerCase().trim()).filter((t) => /^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u.test(t)))].slice(0, 6);
      candidates.push({ agentId: m.agent_id, type: m.type as MemoryType, content, confidence: m.confidence, tags });
    }
  }
  // the most confident first; equal confidence keeps the reply's order
  const ranked = candidates.map((m, i) => ({ m, i })).sort((a, b) => b.m.confidence - a.m.confidence || a.i - b.i);
  plan.memories = ranked.slice(0, MAX_MEMORIES_PER_CONVERSATION).map((r) => r.m);
  dm.overLimit = Math.max(0, ranked.length - MAX_MEMORIES_PER_CONVERSATION);

  const dd = plan.dropped.drifts;
  const pairs = new Set<string>();
  for (const d of reply.pairwise_drift) {
    if (!who.has(d.agent_a) || !who.has(d.agent_b) || d.agent_a === d.agent_b) {
      dd.invalidPair++;
      continue;
    }
    const key = [d.agent_a, d.agent_b].sort().join('|');
    if (pairs.has(key)) {
      dd.duplicate++;
      continue;
    }
    pairs.add(key);
    if (!opts.driftEnabled) {
      dd.disabled++;
      continue;
    }
    const clamped = round2(Math.max(-opts.maxDrift, Math.min(opts.maxDrift, d.drift)));
    if (Math.abs(d.drift) > opts.maxDrift) dd.clamped++;
    if (clamped === 0) {
      dd.zero++;
      continue;
    }
    plan.drifts.push({ a: d.agent_a, b: d.agent_b, drift: clamped, reason: d.reason.replace(/\s+/g, ' ').trim().slice(0, 200) });
  }

  const da = plan.dropped.actionItems;
  const titles = new Set<string>();
  for (const a of reply.action_items) {
    const title = a.title.replace(/\s+/g, ' ').trim();
    if (!opts.actionItemsAllowed) da.notAllowed++;
    else if (!who.has(a.agent_id) || !(ACTION_STEP_KINDS as readonly string[]).includes(a.step_kind) || !norm(title)) da.invalid++;
    else if (titles.has(norm(title))) da.duplicate++;
    else {
      titles.add(norm(title));
      plan.actionItems.push({ title, agentId: a.agent_id, stepKind: a.step_kind as KeptActionItem['stepKind'] });
    }
  }
  return plan;
}
