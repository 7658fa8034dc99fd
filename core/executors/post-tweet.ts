/** The post_tweet step: posts the text (or a draft) to X with the app keys in Settings → Publishing. */
import { xPublisherFactory, type XFactoryOptions } from '../publish/x.js';
import type { Executor } from '../workers/executor.js';
import { createPostExecutor } from './post-executor.js';

export function createTweetPostExecutor(opts: XFactoryOptions = {}): Executor {
  return createPostExecutor('post_tweet', xPublisherFactory(opts));
}

/** Credentials from ops_settings, the global fetch. */
export const postTweetExecutor: Executor = createTweetPostExecutor();
