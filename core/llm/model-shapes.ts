import type { z } from 'zod';
import type { ErrorCode } from '../api/errors.js';
import { contextLengthFromModelInfo, numCtxFromParameters } from './context-window.js';
import type { psReply, pullProgressPart, showReply, tagsReply } from './ollama-replies.js';

/** A model installed on an Ollama host (/api/tags, plus /api/show's context length). */
export interface ModelSummary {
  name: string;
  size: number;
  family: string;
  quantization: string;
  parameterSize: string;
  contextLength?: number;
  modifiedAt: string;
}

/** /api/show, read. */
export interface ModelDetails {
  name: string;
  family: string;
  families: string[];
  quantization: string;
  parameterSize: string;
  /** The trained maximum context (`<arch>.context_length`). */
  contextLength?: number;
  /** A num_ctx set in the Modelfile. */
  defaultNumCtx?: number;
  capabilities: string[];
  modifiedAt?: string;
}

export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
  /** 0–100, when total is known. */
  percent?: number;
}

/** A model loaded in memory (/api/ps). */
export interface RunningModel {
  name: string;
  size: number;
  sizeVram: number;
  expiresAt: string;
  contextLength?: number;
}

export interface HostHealth {
  host: string;
  ok: boolean;
  version?: string;
  error?: { code: ErrorCode; message: string };
}

type Tags = z.infer<typeof tagsReply>;
type Show = z.infer<typeof showReply>;
type Ps = z.infer<typeof psReply>;

/** /api/tags, parsed (see ollama-replies.ts), as the app shows it. */
export function toModelSummaries(reply: Tags): ModelSummary[] {
  return (reply.models ?? []).map((m) => ({
    name: m.name,
    size: m.size,
    family: m.details?.family ?? '',
    quantization: m.details?.quantization_level ?? '',
    parameterSize: m.details?.parameter_size ?? '',
    modifiedAt: m.modified_at,
  }));
}

/** /api/show, parsed. */
export function toModelDetails(name: string, reply: Show): ModelDetails {
  const out: ModelDetails = {
    name,
    family: reply.details?.family ?? '',
    families: reply.details?.families ?? [],
    quantization: reply.details?.quantization_level ?? '',
    parameterSize: reply.details?.parameter_size ?? '',
    capabilities: reply.capabilities ?? [],
  };
  const contextLength = contextLengthFromModelInfo(reply.model_info);
  const defaultNumCtx = numCtxFromParameters(reply.parameters);
  if (contextLength) out.contextLength = contextLength;
  if (defaultNumCtx) out.defaultNumCtx = defaultNumCtx;
  if (reply.modified_at) out.modifiedAt = reply.modified_at;
  return out;
}

/** /api/ps, parsed. */
export function toRunningModels(reply: Ps): RunningModel[] {
  return (reply.models ?? []).map((m) => {
    const out: RunningModel = { name: m.name, size: m.size, sizeVram: m.size_vram, expiresAt: m.expires_at };
    if (m.context_length) out.contextLength = m.context_length;
    return out;
  });
}

/** One /api/pull progress line, parsed, with its percentage. */
export function toProgress(part: z.infer<typeof pullProgressPart>): PullProgress {
  const out: PullProgress = { status: part.status };
  if (part.digest) out.digest = part.digest;
  if (part.total !== undefined) out.total = part.total;
  if (part.completed !== undefined) out.completed = part.completed;
  if (out.total && out.total > 0) {
    out.percent = Math.min(100, Math.round(((out.completed ?? 0) / out.total) * 1000) / 10);
  }
  return out;
}
