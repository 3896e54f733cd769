/**
 * Builds the web console (issue 5, section 4): plain TypeScript DOM modules bundled by esbuild into one
 * minified JS file and one CSS file with content hashes, and the index.html that names them.
 *
 * Output layout (what `buildConsole(outDir)` writes, and what the infra uploads to S3):
 *   index.html                 no-cache: it names the hashed files
 *   assets/app-<hash>.js       immutable
 *   assets/app-<hash>.css      immutable
 * `/config.json` is not built: the local stack serves `{ "auth": "local" }`, the infra writes the
 * Cognito one next to index.html.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/** One built file: its path under the site root (no leading slash), bytes, and how to serve it. */
export interface ConsoleFile {
  path: string;
  contents: Uint8Array;
  contentType: string;
  cacheControl: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/** Bundles the console in memory (about 100 ms): index.html, the JS and the CSS. */
export async function bundleConsole(): Promise<ConsoleFile[]> {
  const result = await build({
    absWorkingDir: here,
    entryPoints: { app: path.join(here, 'src/main.ts'), 'app-style': path.join(here, 'styles.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    outdir: path.join(here, 'dist'),
    entryNames: 'assets/[name]-[hash]',
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const files: ConsoleFile[] = [];
  let js = '';
  let css = '';
  for (const out of result.outputFiles) {
    const rel = path.relative(path.join(here, 'dist'), out.path).split(path.sep).join('/');
    const isJs = rel.endsWith('.js');
    if (isJs) js = rel;
    else if (rel.endsWith('.css')) css = rel;
    else continue;
    files.push({
      path: rel,
      contents: out.contents,
      contentType: isJs ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      cacheControl: IMMUTABLE,
    });
  }
  if (!js || !css) throw new Error('console build: the bundle has no JS or no CSS');
  const html = readFileSync(path.join(here, 'index.html'), 'utf8')
    .replace('%STYLE%', `/${css}`)
    .replace('%SCRIPT%', `/${js}`);
  files.unshift({
    path: 'index.html',
    contents: new TextEncoder().encode(html),
    contentType: 'text/html; charset=utf-8',
    cacheControl: NO_CACHE,
  });
  return files;
}

/**
 * Builds the console into `outDir` (created if missing) and returns the files written, index.html
 * first. `npx tsx console/build.ts [outDir]` builds into console/dist.
 * @example await buildConsole('console/dist') // [{ path: 'index.html', … }, { path: 'assets/app-3FJ2….js', … }, …]
 */
export async function buildConsole(outDir: string): Promise<ConsoleFile[]> {
  const files = await bundleConsole();
  for (const file of files) {
    const target = path.join(outDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(here, 'dist'));
  const files = await buildConsole(outDir);
  for (const f of files) process.stdout.write(`${f.path}  ${f.contents.length} bytes\n`);
}
