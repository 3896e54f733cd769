/**
 * The web console's first load: what a browser transfers to show the login page (index.html, the
 * entry JS with the chunks it imports statically, and the CSS; /config.json is a few dozen bytes
 * more), raw and gzip; then the chunks loaded on demand (each page, ECharts), and how long the build
 * takes.
 *
 *   npx tsx bench/console-size.ts
 *
 * Run on purpose; prints its figures and asserts nothing.
 */
import { gzipSync } from 'node:zlib';
import { bundleConsole } from '../console/build.js';

const started = performance.now();
const files = await bundleConsole();
const ms = performance.now() - started;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const rows = files.map((f) => ({
  file: f.path,
  first: f.firstLoad,
  raw: f.contents.length,
  gzip: gzipSync(f.contents, { level: 9 }).length,
}));
const sum = (list: typeof rows) =>
  list.reduce((s, r) => ({ raw: s.raw + r.raw, gzip: s.gzip + r.gzip }), { raw: 0, gzip: 0 });
const first = rows.filter((r) => r.first);
const later = rows.filter((r) => !r.first).sort((a, b) => b.gzip - a.gzip);
const show = (r: { file: string; raw: number; gzip: number }) => ({
  file: r.file,
  'raw bytes': r.raw,
  raw: kb(r.raw),
  'gzip bytes': r.gzip,
  gzip: kb(r.gzip),
});
console.log('First load (the login page):');
console.table([...first, { file: 'first load (total)', ...sum(first) }].map(show));
console.log('Loaded on demand (pages, ECharts), largest first:');
console.table([...later, { file: 'on demand (total)', ...sum(later) }].map(show));
console.log(
  `build: ${ms.toFixed(0)} ms (esbuild, minified, es2020, code splitting; Ant Design styles extracted)`,
);
