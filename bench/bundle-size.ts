/**
 * Bundle size of every Lambda: bundles each functions/<name>/handler.ts with esbuild exactly as the CDK stack
 * does (the shared settings of infra/lib/bundling.ts: minified ESM for node22, the AWS SDK external) into a
 * temporary folder, and prints the minified and gzip size of each index.mjs against the 1 MB budget.
 *
 *   npx tsx bench/bundle-size.ts
 *
 * Exits with 1 when a bundle is over the budget.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_BUNDLE } from '../infra/lib/bundling.js';

/** 1 MB, in bytes (1 MiB; the 1,000,000-byte reading is also shown as a margin) */
const BUDGET = 1024 * 1024;

const root = fileURLToPath(new URL('../', import.meta.url));
const functionsDir = path.join(root, 'functions');
const names = readdirSync(functionsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(functionsDir, entry.name, 'handler.ts')))
  .map((entry) => entry.name)
  .sort();

const outRoot = mkdtempSync(path.join(tmpdir(), 'anxin-bundle-size-'));
interface Row {
  name: string;
  minified: number;
  gzip: number;
}
const rows: Row[] = [];
try {
  for (const name of names) {
    const outfile = path.join(outRoot, name, 'index.mjs');
    await build({
      ...esbuildOptions(path.join(functionsDir, name, 'handler.ts'), outfile),
      absWorkingDir: root,
    });
    const code = readFileSync(outfile);
    rows.push({ name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length });
  }
} finally {
  rmSync(outRoot, { recursive: true, force: true });
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const table = rows.map((row) => ({
  function: row.name,
  'minified bytes': row.minified,
  minified: kb(row.minified),
  'gzip bytes': row.gzip,
  gzip: kb(row.gzip),
  budget: row.minified <= BUDGET ? 'OK' : 'OVER',
}));
console.log(
  `Lambda bundles (esbuild ${LAMBDA_BUNDLE.format}, ${LAMBDA_BUNDLE.target}, minify, external ${LAMBDA_BUNDLE.external.join(' ')}); budget ${BUDGET.toLocaleString('en')} bytes per minified bundle`,
);
console.table(table);
const over = rows.filter((row) => row.minified > BUDGET);
if (over.length > 0) {
  console.log(`OVER the 1 MB budget: ${over.map((row) => row.name).join(', ')}`);
  process.exitCode = 1;
}
