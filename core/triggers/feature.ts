import { triggerCalls } from '../api/trigger-calls.js';
import type { Feature, FeatureEnv } from '../feature.js';

/** Trigger rules, the reaction matrix, insight promotion and outcome learning. */
export function triggerFeature(_env: FeatureEnv): Feature<typeof triggerCalls> {
  return { name: 'triggers', handlers: {} };
}
