/**
 * The web console's first load: what a browser transfers to show the login page (index.html, the JS
 * and the CSS; /config.json is a few dozen bytes more), raw and gzip, and how long the build takes.
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
  raw: f.contents.length,
  gzip: gzipSync(f.contents, { level: 9 }).length,
}));
const total = rows.reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), {
  raw: 0,
  gzip: 0,
});
console.table(
  [...rows, { file: 'first load (total)', ...total }].map((r) => ({
    file: r.file,
    'raw bytes': r.raw,
    raw: kb(r.raw),
    'gzip bytes': r.gzip,
    gzip: kb(r.gzip),
  })),
);
console.log(`build: ${ms.toFixed(0)} ms (esbuild, minified, es2020)`);
