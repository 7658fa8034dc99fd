import type { ErrorCode } from '../api/errors.js';
import { contextLengthFromModelInfo, numCtxFromParameters } from './context-window.js';

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

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {};
}

function str(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  return fallback;
}

function n(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function readModelSummary(raw: unknown): ModelSummary {
  const m = rec(raw);
  const details = rec(m['details']);
  return {
    name: str(m['name'], str(m['model'])),
    size: n(m['size']),
    family: str(details['family']),
    quantization: str(details['quantization_level']),
    parameterSize: str(details['parameter_size']),
    modifiedAt: str(m['modified_at']),
  };
}

export function readModelDetails(name: string, raw: unknown): ModelDetails {
  const m = rec(raw);
  const details = rec(m['details']);
  const out: ModelDetails = {
    name,
    family: str(details['family']),
    families: strings(details['families']),
    quantization: str(details['quantization_level']),
    parameterSize: str(details['parameter_size']),
    capabilities: strings(m['capabilities']),
  };
  const contextLength = contextLengthFromModelInfo(m['model_info']);
  const defaultNumCtx = numCtxFromParameters(m['parameters']);
  const modifiedAt = str(m['modified_at']);
  if (contextLength) out.contextLength = contextLength;
  if (defaultNumCtx) out.defaultNumCtx = defaultNumCtx;
  if (modifiedAt) out.modifiedAt = modifiedAt;
  return out;
}

export function readRunningModel(raw: unknown): RunningModel {
  const m = rec(raw);
  const out: RunningModel = {
    name: str(m['name'], str(m['model'])),
    size: n(m['size']),
    sizeVram: n(m['size_vram']),
    expiresAt: str(m['expires_at']),
  };
  const ctx = n(m['context_length']);
  if (ctx > 0) out.contextLength = ctx;
  return out;
}

export function readProgress(raw: unknown): PullProgress {
  const m = rec(raw);
  const out: PullProgress = { status: str(m['status']) };
  const digest = str(m['digest']);
  if (digest) out.digest = digest;
  if (typeof m['total'] === 'number') out.total = m['total'];
  if (typeof m['completed'] === 'number') out.completed = m['completed'];
  if (out.total && out.total > 0) {
    out.percent = Math.min(100, Math.round(((out.completed ?? 0) / out.total) * 1000) / 10);
  }
  return out;
}
