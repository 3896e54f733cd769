import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { makeApi } from '../../functions/api/all.js';
import type { ApiDeps } from '../../functions/api/routes.js';
import { toEvent } from '../../local/server.js';

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/** The admin API handler with a quiet logger, called the way API Gateway calls it. */
export function apiClient(deps: ApiDeps) {
  const handler = makeApi(deps, new Logger({ serviceName: 'test', logLevel: 'SILENT' }));
  let n = 0;
  return async (
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const raw =
      body === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(body)
          ? body
          : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const requestId = `test-${++n}`;
    const event = toEvent(
      { method, url, headers: { 'content-type': 'application/json', ...headers } },
      raw,
      requestId,
    );
    const result = await handler(event, { awsRequestId: requestId } as Context);
    const text = result.body ?? '';
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: result.statusCode ?? 200, body: parsed, headers: result.headers ?? {} };
  };
}
