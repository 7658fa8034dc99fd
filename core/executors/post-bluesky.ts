/** The post_bluesky step: posts the text (or a draft) to Bluesky with the account in Settings → Publishing. */
import { blueskyPublisherFactory, type BlueskyFactoryOptions } from '../publish/bluesky.js';
import type { Executor } from '../workers/executor.js';
import { createPostExecutor } from './post-executor.js';

export function createBlueskyPostExecutor(opts: BlueskyFactoryOptions = {}): Executor {
  return createPostExecutor('post_bluesky', blueskyPublisherFactory(opts));
}

/** Credentials from ops_settings, the global fetch. */
export const postBlueskyExecutor: Executor = createBlueskyPostExecutor();
