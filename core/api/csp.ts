/**
 * The one Content-Security-Policy of the app's page, wherever it is served:
 * the HTTP server and Electron's app:// protocol send it as a header; the
 * built index.html carries it as a meta tag too (a meta tag cannot hold
 * frame-ancestors, so that directive is header-only).
 */
const directives = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
} as const;

function render(skip: readonly string[] = []): string {
  return Object.entries(directives)
    .filter(([name]) => !skip.includes(name))
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** The header value. */
export const CSP = render();

/** The same policy for a <meta http-equiv> tag. */
export const CSP_META = render(['frame-ancestors']);
