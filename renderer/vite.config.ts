import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CSP_META } from '../core/api/csp.js';


/** Adds the CSP meta tag (the policy the HTTP server and app:// send as a header) to the built page only: the dev server's hot reload needs inline scripts. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'emt-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }],
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
