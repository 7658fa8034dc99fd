import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** The same policy the HTTP server sends as a header; in Electron (file://) this meta tag is the only one. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

/** Adds the CSP meta tag to the built page only: the dev server's hot reload needs inline scripts. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'emt-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

// Node's path helpers are off limits in renderer/ (lint); Vite resolves these against the config's folder.
const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run serve` on its default port answers /api while Vite serves the UI.
    proxy: { '/api': 'http://127.0.0.1:4319' },
  },
});
