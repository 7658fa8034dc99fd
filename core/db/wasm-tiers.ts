/**
 * How V8 compiles PGlite's WebAssembly (Postgres, 10 MB of it). By default V8 compiles every
 * function with its baseline compiler (Liftoff) and recompiles the hot ones optimized, keeping
 * both: the most memory of any choice. A process that hosts the database picks one tier instead,
 * before its first PGlite starts (a flag set later changes nothing already compiled):
 *
 * - 'baseline' (serve, worker, export/import, the desktop app): baseline code only. Ready
 *   fastest (a reopened folder: 1.15 s to serving, against 1.7 s) and ~70 MB lighter; a
 *   text search over 1M events takes 1.9 ms instead of 1.6.
 * - 'optimized' (the simulator): each function compiled on its first call, straight to optimized
 *   code. The least memory (a 30-day simulation peaks at ~376 MB instead of ~505 MB) and the
 *   same speed, for ~2 s more at start.
 *
 * Process-wide: only an entry point calls it, never a library or a test.
 */
import { setFlagsFromString } from 'node:v8';

export type WasmTier = 'baseline' | 'optimized';

export function useWasmTier(tier: WasmTier): void {
  setFlagsFromString(tier === 'baseline' ? '--liftoff-only' : '--wasm-lazy-compilation --no-liftoff');
}
