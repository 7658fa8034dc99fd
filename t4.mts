import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
const blob = new Blob([await readFile(process.argv[2]!)]);
for (let i = 0; i < 6; i++) { const t = performance.now(); const p = new PGlite('memory://', { loadDataDir: blob }); await p.waitReady; const t1 = performance.now(); await p.exec('select 1'); console.log('open', (t1 - t).toFixed(0)); await p.close(); }
