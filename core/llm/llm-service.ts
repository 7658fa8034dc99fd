import type { z } from 'zod';
import { AppError, isAppError, toAppError } from '../api/errors.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import type { PolicyValue } from '../ops/policy-schemas.js';
import { recordLlmCall } from './accounting.js';
import type { ChatRequest, ChatResult, Llm } from './port.js';
import { chatStructured, type StructuredResult } from './structured.js';

export interface CallMeta {
  agentId: string | null;
  /** What the call is for: analyze, write_content, turn, distill, initiative, chat … */
  purpose: string;
  stepId?: number;
  stepKind?: string;
  conversationId?: number;
}

export type LlmRequest = Omit<ChatRequest, 'model'> & { model?: string };

/** What a guard lets through: the trigger rule the call's record carries, and what to undo once it is recorded. */
export interface LlmPass {
  ruleId?: number | null;
  /** Runs after the call is recorded, sent or failed (the governor drops its reservation). */
  settle?: () => Promise<void>;
}

/**
 * Asked right before every HTTP call to the model is sent — a structured
 * output's repair turn, its "shorter" retry and a fallback model each count
 * as a call — (the budget governor): throws to hold the call, or lets it pass.
 */
export type LlmGuard = (meta: CallMeta, req: ChatRequest) => Promise<LlmPass | void>;

export interface LlmHealth {
  status: 'ok' | 'unreachable';
  reason: string | null;
  hosts: string[];
  /** The host calls go to now, when one answers. */
  active: string | null;
}

/** Checks whether an Ollama host answers (GET /api/version). */
export type HostProbe = (host: string) => Promise<{ ok: boolean; error?: string }>;

export interface LlmServiceDeps {
  /** Builds the Llm for one host (the Ollama adapter in the app, a scripted one in the simulator). */
  llmFor: (host: string) => Llm;
  probe: HostProbe;
}

/**
 * The engine's way to the model: chooses the host (the first one that
 * answers), the model (per step kind, per agent, default; the fallback when
 * the model is missing), records every call, and tells workers when no host
 * is reachable so they pause instead of failing.
 */
export class LlmService {
  private readonly llms = new Map<string, Llm>();
  private health: { at: number; value: LlmHealth } | null = null;
  private readonly guards: LlmGuard[] = [];

  constructor(
    private readonly ctx: EngineCtx,
    private readonly deps: LlmServiceDeps,
  ) {}

  private llm(host: string): Llm {
    let l = this.llms.get(host);
    if (!l) {
      l = this.deps.llmFor(host);
      this.llms.set(host, l);
    }
    return l;
  }

  /** Adds a check every call passes before it is sent (the one choke point for budgets). */
  addGuard(guard: LlmGuard): void {
    this.guards.push(guard);
  }

  /** Host health, cached for llm_policy.health_check_seconds. */
  async check(force = false): Promise<LlmHealth> {
    const policy = await cachedPolicy(this.ctx, 'llm_policy');
    const now = this.ctx.clock.now();
    if (!force && this.health && now - this.health.at < policy.health_check_seconds * 1000 && sameHosts(this.health.value.hosts, policy.hosts)) {
      return this.health.value;
    }
    const errors: string[] = [];
    let active: string | null = null;
    for (const host of policy.hosts) {
      const r = await this.deps.probe(host);
      if (r.ok) {
        active = host;
        break;
      }
      errors.push(`${host}: ${r.error ?? 'no answer'}`);
    }
    const value: LlmHealth = active
      ? { status: 'ok', reason: null, hosts: policy.hosts, active }
      : { status: 'unreachable', reason: `No Ollama host answers (${errors.join('; ')}). Start Ollama, or fix the hosts in Settings → Ollama hosts.`, hosts: policy.hosts, active: null };
    this.health = { at: now, value };
    return value;
  }

  /** The last known health without probing (for runtime.status). */
  lastHealth(): LlmHealth | null {
    return this.health?.value ?? null;
  }

  /** For executors' ready(): workers pause while no host answers. */
  async ready(): Promise<{ ok: true } | { ok: false; reason: string; retryInMs: number }> {
    const h = await this.check();
    if (h.status === 'ok') return { ok: true };
    const policy = await cachedPolicy(this.ctx, 'llm_policy');
    return { ok: false, reason: h.reason ?? 'No Ollama host answers.', retryInMs: policy.health_check_seconds * 1000 };
  }

  modelFor(policy: PolicyValue<'llm_policy'>, meta: CallMeta): string {
    return (meta.stepKind && policy.per_step_kind[meta.stepKind]) || (meta.agentId && policy.per_agent[meta.agentId]) || policy.default_model;
  }

  async chat(meta: CallMeta, req: LlmRequest): Promise<ChatResult> {
    return this.withModel(meta, req, (llm, r) => llm.chat(r));
  }

  async chatStructured<T>(meta: CallMeta, req: LlmRequest, schema: z.ZodType<T>): Promise<StructuredResult<T>> {
    return this.withModel(meta, req, (llm, r) => chatStructured(llm, r, schema));
  }

  private async withModel<R>(meta: CallMeta, req: LlmRequest, call: (llm: Llm, req: ChatRequest) => Promise<R>): Promise<R> {
    const policy = await cachedPolicy(this.ctx, 'llm_policy');
    const health = await this.check();
    if (!health.active) throw new AppError('llm_unreachable', health.reason ?? 'No Ollama host answers.');
    const host = health.active;
    const primary = req.model ?? this.modelFor(policy, meta);
    const full: ChatRequest = { ...req, model: primary };
    if (full.keepAlive === undefined) full.keepAlive = policy.keep_alive;
    if (full.numCtx === undefined && policy.num_ctx) full.numCtx = policy.num_ctx;
    const llm = this.recorded(meta, host, this.llm(host));
    try {
      return await call(llm, full);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'llm_unreachable') this.health = null; // look again next time
      const fallback = policy.fallback_model;
      if (e.code !== 'llm_model_not_found' || !fallback || fallback === primary) throw err;
      await writeEvent(this.ctx, this.ctx.db, {
        agentId: meta.agentId,
        kind: 'llm_fallback',
        title: `Model ${primary} is missing on ${host}; using ${fallback}`,
        summary: `Pull ${primary} in Models to stop falling back.`,
        tags: ['llm', 'fallback', meta.purpose],
        stepId: meta.stepId ?? null,
        payload: { host, model: primary, fallback },
      });
      return call(llm, { ...full, model: fallback });
    }
  }

  /** Every guard, in order; a refusal settles the passes already given and goes to the caller. */
  private async pass(meta: CallMeta, req: ChatRequest): Promise<{ ruleId: number | null; passes: LlmPass[] }> {
    const passes: LlmPass[] = [];
    let ruleId: number | null = null;
    try {
      for (const guard of this.guards) {
        const p = await guard(meta, req);
        if (!p) continue;
        passes.push(p);
        ruleId = p.ruleId ?? ruleId;
      }
    } catch (err) {
      await this.settle(passes);
      throw err;
    }
    return { ruleId, passes };
  }

  private async settle(passes: LlmPass[]): Promise<void> {
    for (const p of passes) {
      await p.settle?.().catch((err: unknown) => this.ctx.log.warn('A budget reservation could not be dropped; it expires by itself', { error: toAppError(err).message }));
    }
  }

  /**
   * Wraps an Llm so that every call through it — the one place every HTTP
   * call to the model goes through — passes the guards right before it is
   * sent and is recorded, success or failure.
   */
  private recorded(meta: CallMeta, host: string, inner: Llm): Llm {
    const { ctx } = this;
    return {
      chat: async (req) => {
        const { ruleId, passes } = await this.pass(meta, req);
        const t0 = ctx.clock.perf();
        try {
          const res = await inner.chat(req);
          await recordLlmCall(ctx.db, {
            ...base(meta, host, req.model, isoNow(ctx.clock), ruleId),
            promptTokens: res.promptTokens,
            completionTokens: res.completionTokens,
            durationMs: res.durationMs,
            outcome: 'ok',
          });
          return res;
        } catch (err) {
          const e = isAppError(err) ? err : toAppError(err);
          await recordLlmCall(ctx.db, {
            ...base(meta, host, req.model, isoNow(ctx.clock), ruleId),
            promptTokens: 0,
            completionTokens: 0,
            durationMs: ctx.clock.perf() - t0,
            outcome: e.code,
            error: e.message,
          }).catch(() => {});
          throw err;
        } finally {
          await this.settle(passes);
        }
      },
    };
  }
}

function base(meta: CallMeta, host: string, model: string, at: string, ruleId: number | null) {
  return { agentId: meta.agentId, purpose: meta.purpose, stepId: meta.stepId ?? null, conversationId: meta.conversationId ?? null, stepKind: meta.stepKind ?? null, ruleId, host, model, at };
}

function sameHosts(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i]);
}
