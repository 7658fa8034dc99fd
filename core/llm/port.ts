/**
 * The Llm port: one chat call. The Ollama adapter implements it; tests and the
 * simulator use scripted implementations.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  /** System prompt; sent as the first message with role "system". */
  system?: string;
  messages: ChatMessage[];
  /** Sampling temperature (Ollama: options.temperature). */
  temperature?: number;
  /**
   * Longest reply in tokens (Ollama: options.num_predict). For replies that are
   * cut to a short length anyway (a 120-character turn), so a rambling model does
   * not spend seconds of a CPU on words that are thrown away.
   */
  maxTokens?: number;
  /** Context window to ask for (Ollama: options.num_ctx). */
  numCtx?: number;
  /** How long the model stays loaded after the call (Ollama: keep_alive), e.g. "5m" or 0. */
  keepAlive?: string | number;
  /** A JSON schema for structured output (Ollama: format). */
  format?: Record<string, unknown>;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Longest wait for the first or next streamed chunk before a timeout error. */
  idleTimeoutMs?: number;
  /** Called with each streamed piece of text. */
  onToken?: (text: string) => void;
}

export interface ChatResult {
  text: string;
  model: string;
  host: string;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
  doneReason?: string;
}

export interface Llm {
  chat(req: ChatRequest): Promise<ChatResult>;
}
