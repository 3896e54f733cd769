import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda of the app is bundled: one place, read by the stack (NodejsFunction, see
 * `nodejsBundlingOptions`) and by bench/bundle-size.ts (plain esbuild, see `esbuildOptions`), so the bench
 * measures exactly what is deployed.
 */
export const LAMBDA_BUNDLE = {
  /** the nodejs22.x runtime */
  target: 'node22',
  /** ESM output (index.mjs), so top-level await works and the handler is an ES module */
  format: 'esm',
  /** prefer the ES-module build of dependencies: smaller, tree-shakable */
  mainFields: ['module', 'main'],
  minify: true,
  /** a separate index.mjs.map, without the sources themselves (NODE_OPTIONS=--enable-source-maps reads it) */
  sourceMap: true,
  sourcesContent: false,
  /**
   * The AWS SDK v3 is NOT bundled: the nodejs22.x runtime ships it (/var/runtime/node_modules, which Node 18+
   * Lambda runtimes also search for ES-module imports). Bundling it made every function ~1.06 MB, over the
   * 1 MB budget. The trade-off: in AWS the code runs the SDK version of the runtime, not the one pinned in
   * package-lock.json (tests and the local stack use the locked one). Acceptable because the handlers use
   * only long-stable SDK APIs (DynamoDB document client, SNS Publish, Chime SDK Voice
   * CreateSipMediaApplicationCall); pin the SDK again by bundling it if a newer API is ever needed.
   */
  external: ['@aws-sdk/*'],
  /** ESM has no `require`; CommonJS dependencies bundled into the ESM output call it */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/** The NodejsFunction `bundling` props for LAMBDA_BUNDLE (local esbuild, never Docker). */
export function nodejsBundlingOptions(): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    minify: LAMBDA_BUNDLE.minify,
    sourceMap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    bundleAwsSDK: false,
    externalModules: [...LAMBDA_BUNDLE.external],
    banner: LAMBDA_BUNDLE.banner,
  };
}

/**
 * The same settings as esbuild build options: what NodejsFunction passes to the esbuild CLI
 * (`--bundle --platform=node --target --format --minify --sourcemap --sources-content=false --external
 * --banner:js --main-fields`) for one entry file.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    external: [...LAMBDA_BUNDLE.external],
    banner: { js: LAMBDA_BUNDLE.banner },
    logLevel: 'warning',
  };
}
