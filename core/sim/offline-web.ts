import { createCrawlExecutor } from '../executors/crawl.js';
import type { Executor } from '../workers/executor.js';

/**
 * The simulator's web: every URL answers with a small article made from the
 * URL itself, and every host resolves to a public documentation address.
 * Nothing leaves the machine.
 */
export function offlineCrawlExecutor(): Executor {
  return createCrawlExecutor({
    lookup: async () => [{ address: '93.184.216.34', family: 4 }],
    fetch: async (input) => {
      const url = new URL(String(input));
      const topic = url.hostname.replace(/^www\./, '');
      const html = `<!doctype html><html><head><title>Today on ${topic}</title></head><body><article><h1>Today on ${topic}</h1>
        <p>${topic} lists new tools for small teams, a debate about local-first software, and a launch that got attention.</p>
        <p>Readers discuss pricing, onboarding and how agents could help with routine work.</p></article></body></html>`;
      return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    },
  });
}
