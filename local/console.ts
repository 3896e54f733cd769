/**
 * The web console on the local stack: built in memory at startup (console/build.ts, about 100 ms) and
 * served at http://localhost:8787/ next to the API, with `/config.json` saying "log in locally".
 * On AWS the same files are on S3 behind CloudFront and the infra writes the Cognito config.json.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bundleConsole, type ConsoleFile, ICON_STYLE_HASH } from '../console/build.js';

type Result = APIGatewayProxyStructuredResultV2;

/** The console's config for the local stack: log in with POST /auth/login, the API on the same origin. */
export const LOCAL_CONSOLE_CONFIG = { auth: 'local', apiBase: '' } as const;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' ${ICON_STYLE_HASH}; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
};

export interface ConsoleSite {
  /** true for the paths the console answers: `/`, `/index.html`, `/config.json`, `/assets/…` */
  owns(path: string): boolean;
  handle(event: APIGatewayProxyEventV2): Promise<Result>;
}

/** Serves already built files (tests give their own; `consoleSite()` builds them). */
export function serveConsoleFiles(
  files: readonly ConsoleFile[],
  config: object = LOCAL_CONSOLE_CONFIG,
): ConsoleSite {
  const byPath = new Map(files.map((f) => [`/${f.path}`, f]));
  const configBody = JSON.stringify(config);
  const owns = (p: string) =>
    p === '/' || p === '/index.html' || p === '/config.json' || p.startsWith('/assets/');
  return {
    owns,
    handle: async (event): Promise<Result> => {
      const method = event.requestContext.http.method;
      if (method !== 'GET' && method !== 'HEAD')
        return { statusCode: 405, headers: { allow: 'GET, HEAD' }, body: '' };
      const p = event.rawPath === '/' ? '/index.html' : event.rawPath;
      if (p === '/config.json')
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: configBody,
        };
      const file = byPath.get(p);
      if (!file)
        return {
          statusCode: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: 'Not found',
        };
      return {
        statusCode: 200,
        headers: {
          'content-type': file.contentType,
          'cache-control': file.cacheControl,
          ...SECURITY_HEADERS,
        },
        body: Buffer.from(file.contents).toString('base64'),
        isBase64Encoded: true,
      };
    },
  };
}

/** Builds the console in memory and serves it. */
export async function consoleSite(): Promise<ConsoleSite> {
  return serveConsoleFiles(await bundleConsole());
}
