/**
 * Builds the web console (issue 5, section 4; React + Ant Design since issue 13): esbuild bundles
 * console/src/main.tsx as ES modules with code splitting, so each page and ECharts are chunks loaded
 * when first needed; the first load is index.html, the entry chunk, the chunks it imports statically
 * and one CSS file.
 *
 * Ant Design writes its styles at run time into <style> elements, which the console's CSP
 * (`style-src 'self'`) refuses. So the build renders the components the console uses once in Node
 * (console/antd-styles.ts), extracts their CSS with @ant-design/cssinjs and appends it to the CSS file;
 * that CSS carries the map of the styles it holds, so Ant Design injects nothing in the browser. The
 * one `<style>` left, @ant-design/icons' fixed stylesheet, is allowed by its hash (ICON_STYLE_HASH).
 *
 * Output layout (what `buildConsole(outDir)` writes, and what the infra uploads to S3):
 *   index.html                 no-cache: it names the hashed files
 *   assets/app-<hash>.js       immutable, the entry
 *   assets/chunk-<hash>.js     immutable, pages and libraries loaded on demand (and shared code)
 *   assets/app-style-<hash>.css  immutable
 * `/config.json` is not built: the local stack serves `{ "auth": "local" }`, the infra writes the
 * Cognito one next to index.html.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { antdCss, iconCss } from './antd-styles.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** One built file: its path under the site root (no leading slash), bytes, and how to serve it. */
export interface ConsoleFile {
  path: string;
  contents: Uint8Array;
  contentType: string;
  cacheControl: string;
  /** part of the first load (index.html, the entry and the login page with their static imports, the CSS) */
  firstLoad: boolean;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/** The CSP source that lets @ant-design/icons add its one fixed stylesheet (`'sha256-…'`). */
export const ICON_STYLE_HASH = `'sha256-${createHash('sha256').update(iconCss()).digest('base64')}'`;

/** The output files the entry loads before anything shows: itself and its static imports, transitively. */
function firstLoadOf(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of meta.outputs[file]?.imports ?? []) if (imp.kind === 'import-statement') visit(imp.path);
  };
  visit(entry);
  return seen;
}

/** Bundles the console in memory (a few seconds: esbuild, then the Ant Design styles). */
export async function bundleConsole(): Promise<ConsoleFile[]> {
  const outdir = path.join(here, 'dist');
  const result = await build({
    absWorkingDir: here,
    entryPoints: { app: path.join(here, 'src/main.tsx'), 'app-style': path.join(here, 'styles.css') },
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    outdir,
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/chunk-[hash]',
    legalComments: 'none',
    charset: 'utf8',
    plugins: [
      {
        // rc-util's scroll-bar measure adds a <style> element the CSP refuses (see the module)
        name: 'scrollbar-size',
        setup(b) {
          b.onResolve({ filter: /^rc-util\/(es|lib)\/getScrollBarSize(\.js)?$/ }, () => ({
            path: path.join(here, 'src/vendor/scrollbar-size.ts'),
          }));
        },
      },
    ],
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const rel = (p: string) => path.relative(outdir, path.resolve(here, p)).split(path.sep).join('/');
  const outputOf = (source: string) =>
    Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(source))?.[0];
  const entry = outputOf('src/main.tsx');
  // the login page is a chunk of its own, but nothing shows before it: it counts in the first load
  const login = outputOf('src/pages/login.tsx');
  if (!entry || !login) throw new Error('console build: no entry or no login chunk');
  const first = new Set(
    [...firstLoadOf(result.metafile, entry), ...firstLoadOf(result.metafile, login)].map(rel),
  );
  const files: ConsoleFile[] = [];
  let js = '';
  let css = '';
  for (const out of result.outputFiles) {
    const name = path.relative(outdir, out.path).split(path.sep).join('/');
    const isJs = name.endsWith('.js');
    if (!isJs && !name.endsWith('.css')) continue;
    if (name === rel(entry)) js = name;
    let contents = out.contents;
    if (!isJs) {
      css = name;
      contents = new TextEncoder().encode(`${await antdCss()}\n${out.text}`);
    }
    files.push({
      path: name,
      contents,
      contentType: isJs ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      cacheControl: IMMUTABLE,
      firstLoad: !isJs || first.has(name),
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
    firstLoad: true,
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
