import { roundtableCalls } from '../api/roundtable-calls.js';
import type { Feature, FeatureEnv } from '../feature.js';

/** Roundtables, memory, relationships, initiative, voice evolution, chat. */
export function roundtableFeature(_env: FeatureEnv): Feature<typeof roundtableCalls> {
  return { name: 'roundtables', handlers: {} };
}
