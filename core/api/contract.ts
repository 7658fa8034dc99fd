/**
 * The one contract between the UI and the engine: call name → zod input and
 * output, plus the messages pushed on the stream. Both transports (Electron
 * IPC and HTTP) parse inputs with these schemas; the renderer imports only this.
 */
import { z } from 'zod';
import { autonomyCalls } from './autonomy-calls.js';
import { dataCalls, dataProgressMessage, pauseState, runtimeStateMessage } from './data-calls.js';
import { artifactCalls } from './artifact-calls.js';
import { roundtableCalls } from './roundtable-calls.js';
import { settingsCalls } from './settings-calls.js';
import { statsCalls } from './stats-calls.js';
import { triggerCalls } from './trigger-calls.js';

const id = z.number().int().positive();
const agentId = z.string().min(1).max(32);
const isoTime = z.string();
const json = z.unknown();

export const agent = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.string(),
  tone: z.string(),
  quirk: z.string(),
  signatureLine: z.string(),
  systemDirective: z.string(),
  enabled: z.boolean(),
  sortOrder: z.number(),
});

export const stepSpec = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a step kind is lower_snake_case, e.g. "analyze"'),
  payload: z.record(z.string(), z.unknown()).default({}),
});

export const proposal = z.object({
  id: z.number(),
  agentId: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.string(),
  sourceRef: z.string().nullable(),
  status: z.enum(['pending', 'accepted', 'rejected']),
  proposedSteps: z.array(z.object({ kind: z.string(), payload: z.record(z.string(), z.unknown()) })),
  rejectionReason: z.string().nullable(),
  rejectedByGate: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: isoTime.nullable(),
  createdAt: isoTime,
  /** proposals.list: the mission an accepted proposal became. */
  missionId: z.number().nullable().optional(),
});

export const missionStatus = z.enum(['approved', 'running', 'succeeded', 'failed', 'cancelled']);
export const mission = z.object({
  id: z.number(),
  proposalId: z.number().nullable(),
  title: z.string(),
  status: missionStatus,
  createdBy: z.string(),
  failureReason: z.string().nullable(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});
export const missionSummary = mission.extend({
  stepKinds: z.array(z.string()),
  stepsDone: z.number(),
  stepsTotal: z.number(),
});

export const step = z.object({
  id: z.number(),
  missionId: z.number(),
  seq: z.number(),
  kind: z.string(),
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(['pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled']),
  attempts: z.number(),
  maxAttempts: z.number(),
  runAfter: isoTime,
  reservedBy: z.string().nullable(),
  heartbeatAt: isoTime.nullable(),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  result: json,
  lastError: z.string().nullable(),
  errorCode: z.string().nullable(),
  createdAt: isoTime,
});

export const event = z.object({
  id: z.number(),
  agentId: z.string().nullable(),
  kind: z.string(),
  title: z.string(),
  summary: z.string(),
  tags: z.array(z.string()),
  payload: z.record(z.string(), z.unknown()),
  missionId: z.number().nullable(),
  stepId: z.number().nullable(),
  proposalId: z.number().nullable(),
  createdAt: isoTime,
});

export const workerStatus = z.object({
  kind: z.string(),
  enabled: z.boolean(),
  concurrency: z.number(),
  inflight: z.number(),
  paused: z.object({ reason: z.string(), until: isoTime }).nullable(),
  processed: z.number(),
  failed: z.number(),
});

export const heartbeatRun = z.object({
  id: z.number(),
  status: z.enum(['succeeded', 'partial', 'failed']),
  jobs: z.array(z.object({ name: z.string(), ok: z.boolean(), ms: z.number(), result: json.optional(), error: z.string().optional() })),
  startedAt: isoTime,
  durationMs: z.number(),
});

export const runtimeStatus = z.object({
  version: z.string(),
  now: isoTime,
  startedAt: isoTime,
  processId: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), location: z.string() }),
  heartbeat: z.object({
    running: z.boolean(),
    intervalMinutes: z.number(),
    lastRun: z.object({ id: z.number(), status: z.string(), startedAt: isoTime, durationMs: z.number().nullable() }).nullable(),
    jobs: z.array(z.string()),
  }),
  workers: z.array(workerStatus),
  queue: z.object({
    byKind: z.array(z.object({ kind: z.string(), queued: z.number(), running: z.number(), hasExecutor: z.boolean() })),
    /** Step kinds with queued steps and no executor anywhere in this process: they wait, never dropped. */
    unhandledKinds: z.array(z.string()),
  }),
  missions: z.object({ approved: z.number(), running: z.number(), succeeded: z.number(), failed: z.number(), cancelled: z.number() }),
  pendingProposals: z.number(),
  /** Whether the company (or some agents) is paused: nothing new is taken on while it is. */
  pause: pauseState,
  llm: z
    .object({
      status: z.enum(['ok', 'unreachable', 'not_configured']),
      reason: z.string().nullable(),
      hosts: z.array(z.string()),
      active: z.string().nullable(),
    })
    .nullable(),
});

export const policyEntry = z.object({
  key: z.string(),
  value: json,
  valid: z.boolean(),
  updatedAt: isoTime.nullable(),
  description: z.string(),
  defaultValue: json,
  /** The policy's JSON Schema (zod's own rendering of the schema policy.set checks with). */
  schema: z.record(z.string(), z.unknown()),
});

const empty = z.object({}).strict().default({});

export const hostHealth = z.object({
  host: z.string(),
  ok: z.boolean(),
  version: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export const modelSummary = z.object({
  name: z.string(),
  size: z.number(),
  family: z.string(),
  quantization: z.string(),
  parameterSize: z.string(),
  contextLength: z.number().optional(),
  modifiedAt: z.string(),
});
export const runningModel = z.object({
  name: z.string(),
  size: z.number(),
  sizeVram: z.number(),
  expiresAt: z.string(),
  contextLength: z.number().optional(),
});
export const localOllamaState = z.object({
  status: z.enum(['not_installed', 'stopped', 'starting', 'running', 'exited']),
  binary: z.string().nullable(),
  host: z.string(),
  pid: z.number().optional(),
  external: z.boolean().optional(),
  exitCode: z.number().nullable().optional(),
  signal: z.string().nullable().optional(),
  lastLines: z.array(z.string()),
});
const hostArg = z.string().url('a host is a URL like http://127.0.0.1:11434').optional();
const modelName = z.string().trim().min(1, 'a model name is required').max(200).regex(/^[\w.:/-]+$/, 'a model name looks like "llama3.2:3b"');

export const coreCalls = {
  'runtime.status': { input: empty, output: runtimeStatus },
  'agents.list': { input: empty, output: z.array(agent) },
  'agents.update': {
    input: z.object({
      id: agentId,
      patch: z
        .object({
          displayName: z.string().trim().min(1).max(60),
          role: z.string().trim().min(1).max(40),
          tone: z.string().max(300),
          quirk: z.string().max(300),
          signatureLine: z.string().max(200),
          systemDirective: z.string().max(4000),
          enabled: z.boolean(),
        })
        .partial()
        .strict(),
    }),
    output: agent,
  },
  'proposals.create': {
    input: z.object({
      agentId,
      title: z.string().trim().min(1, 'a title is required').max(300),
      description: z.string().max(4000).optional(),
      steps: z.array(stepSpec).min(1, 'a proposal needs at least one step').max(20),
    }),
    output: z.object({
      proposal: z.object({ id: z.number(), status: z.enum(['pending', 'accepted', 'rejected']), rejectionReason: z.string().optional() }),
      mission: z.object({ id: z.number(), status: z.string() }).optional(),
    }),
  },
  'proposals.list': {
    input: z
      .object({
        status: z.enum(['pending', 'accepted', 'rejected']).optional(),
        agentId: agentId.optional(),
        limit: z.number().int().min(1).max(200).optional(),
        cursor: id.optional(),
      })
      .default({}),
    output: z.array(proposal),
  },
  'proposals.decide': {
    input: z.object({
      id,
      decision: z.enum(['accept', 'reject']),
      reason: z.string().trim().max(500).optional(),
      /** Edited before accepting (same kinds; e.g. a post's text). */
      steps: z.array(stepSpec).min(1).max(20).optional(),
    }),
    output: z.object({ proposal, mission: z.object({ id: z.number(), status: z.string() }).optional() }),
  },
  'missions.list': {
    input: z
      .object({
        status: missionStatus.optional(),
        agentId: agentId.optional(),
        limit: z.number().int().min(1).max(200).optional(),
        cursor: id.optional(),
      })
      .default({}),
    output: z.array(missionSummary),
  },
  'missions.get': { input: z.object({ id }), output: z.object({ mission, steps: z.array(step), events: z.array(event) }) },
  'missions.cancel': { input: z.object({ id }), output: mission },
  'events.page': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        cursor: z.string().regex(/^\d+$/, 'the cursor is the nextCursor of a previous page').nullable().optional(),
        agentId: agentId.optional(),
        kind: z.string().max(60).optional(),
        tag: z.string().max(60).optional(),
        q: z.string().max(200).optional(),
        missionId: id.optional(),
        /** 'newer': the page just newer than the cursor, or the oldest page without one. */
        direction: z.enum(['older', 'newer']).optional(),
        /** Start at the newest event at or before this instant (jump to a date). */
        before: z.iso.datetime({ offset: true, message: 'a date like 2026-03-02T09:00:00Z' }).optional(),
        /** Also return the true total and how many matching events are newer than this page. */
        withTotal: z.boolean().optional(),
      })
      .default({}),
    output: z.object({
      items: z.array(event),
      nextCursor: z.string().nullable(),
      prevCursor: z.string().nullable().optional(),
      total: z.number().optional(),
      newerCount: z.number().optional(),
    }),
  },
  'policy.list': { input: empty, output: z.array(policyEntry) },
  'policy.get': { input: z.object({ key: z.string().min(1).max(60) }), output: z.object({ key: z.string(), value: json }) },
  'policy.set': { input: z.object({ key: z.string().min(1).max(60), value: json }), output: z.object({ key: z.string(), value: json }) },
  'heartbeat.runNow': { input: empty, output: heartbeatRun.nullable() },
  'heartbeat.runs': {
    input: z.object({ limit: z.number().int().min(1).max(200).optional() }).default({}),
    output: z.array(heartbeatRun.extend({ holder: z.string() })),
  },
  'llm.status': { input: empty, output: z.object({ status: z.enum(['ok', 'unreachable']), reason: z.string().nullable(), hosts: z.array(z.string()), active: z.string().nullable() }) },
  'llm.usage': {
    input: z.object({ days: z.number().int().min(1).max(90).optional() }).default({}),
    output: z.array(
      z.object({
        day: z.string(),
        agentId: z.string().nullable(),
        calls: z.number(),
        failed: z.number(),
        promptTokens: z.number(),
        completionTokens: z.number(),
        durationMs: z.number(),
      }),
    ),
  },
  'ollama.health': { input: empty, output: z.array(hostHealth) },
  'ollama.models': { input: z.object({ host: hostArg }).default({}), output: z.array(modelSummary) },
  'ollama.running': { input: z.object({ host: hostArg }).default({}), output: z.array(runningModel) },
  'ollama.pull': { input: z.object({ host: hostArg, model: modelName }), output: z.object({ pullId: z.string() }) },
  'ollama.cancelPull': { input: z.object({ pullId: z.string().min(1).max(100) }), output: z.object({ cancelled: z.boolean() }) },
  'ollama.delete': { input: z.object({ host: hostArg, model: modelName }), output: z.object({ deleted: z.literal(true) }) },
  'ollama.unload': { input: z.object({ host: hostArg, model: modelName }), output: z.object({ unloaded: z.literal(true) }) },
  'publishing.get': {
    input: empty,
    output: z.object({ bluesky: z.record(z.string(), z.unknown()).nullable(), x: z.record(z.string(), z.unknown()).nullable() }),
  },
  'publishing.set': {
    input: z.object({ platform: z.enum(['bluesky', 'x']), value: z.record(z.string(), z.unknown()) }),
    output: z.object({ platform: z.string(), value: z.record(z.string(), z.unknown()) }),
  },
  'publishing.clear': { input: z.object({ platform: z.enum(['bluesky', 'x']) }), output: z.object({ cleared: z.boolean() }) },
  'sim.preview': {
    input: z.object({
      days: z.number().int().min(1).max(14).default(3),
      seed: z.number().int().min(0).max(2 ** 31).default(1),
      changes: z.record(z.string(), z.unknown()).refine((c) => Object.keys(c).length > 0, 'name at least one policy to change'),
    }),
    output: z.object({
      days: z.number(),
      seed: z.number(),
      rows: z.array(z.object({ metric: z.string(), current: z.number(), edited: z.number(), delta: z.number() })),
      unchanged: z.number(),
    }),
  },
  'ollama.local': { input: z.object({ action: z.enum(['status', 'start', 'stop']) }), output: localOllamaState },
} as const;

/**
 * Every call. Feature areas declare their calls in their own files
 * (core/api/*-calls.ts) and are merged here.
 */
export const calls = { ...coreCalls, ...roundtableCalls, ...triggerCalls, ...dataCalls, ...autonomyCalls, ...statsCalls, ...settingsCalls, ...artifactCalls } as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;
export const callNames = Object.keys(calls) as CallName[];

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}

/** What the stream pushes. */
export const streamMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event }),
  z.object({ type: z.literal('step'), step }),
  z.object({ type: z.literal('mission'), mission }),
  z.object({ type: z.literal('heartbeat'), run: heartbeatRun }),
  z.object({
    type: z.literal('pull'),
    pullId: z.string(),
    host: z.string(),
    model: z.string(),
    status: z.string(),
    completed: z.number().optional(),
    total: z.number().optional(),
    percent: z.number().optional(),
    done: z.boolean(),
    error: z.string().optional(),
  }),
  dataProgressMessage,
  runtimeStateMessage,
]);
export type StreamMessage = z.infer<typeof streamMessage>;

/** The reply envelope both transports use. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: unknown } };

/** Handlers implement every call, typed from the contract. */
export type Handlers = { [K in CallName]: (input: CallParsedInput<K>) => Promise<CallOutput<K>> };
