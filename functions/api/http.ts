import type { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, type FieldError, ValidationFailed } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** A failure that is the client's: mapped to its status with the error list. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'HttpFailure';
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

const MAX_JSON_BYTES = 256 * 1024;

/** The raw body bytes, whether API Gateway base64-encoded them or not. */
export function bodyBytes(event: HttpEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** The JSON body, or a 400 (bad JSON) / 413 (too large) naming the problem. */
export function jsonBody(event: HttpEvent): unknown {
  const bytes = bodyBytes(event);
  if (bytes.length > MAX_JSON_BYTES)
    throw new HttpFailure(413, [{ path: '', message: msg('request.bodyTooLarge') }]);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new HttpFailure(400, [{ path: '', message: msg('request.badJson') }]);
  }
}

function statusOf(error: unknown): { status: number; errors: FieldError[] } | undefined {
  if (error instanceof ValidationFailed) return { status: 400, errors: error.errors };
  if (error instanceof HttpFailure) return { status: error.status, errors: error.errors };
  if (error instanceof DomainError) {
    return { status: error.status, errors: [{ path: error.path, message: error.message }] };
  }
  // @middy/http-router's "Route does not exist"
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (status === 404) return { status: 404, errors: [{ path: '', message: msg('request.notFound') }] };
  return undefined;
}

/**
 * The edge of every request. Maps each error to an HTTP answer in one place (client errors with their
 * list, anything else a generic 500 with the request id and no stack) and logs one line per request:
 * method, route, status and duration. Logs never carry bodies, names or numbers of people.
 */
export function httpEdge(logger: Logger): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const started = new WeakMap<object, number>();
  const log = (event: HttpEvent, response: HttpResult | null | undefined) => {
    logger.info('request', {
      method: event.requestContext?.http?.method,
      route: routeTemplate(event.rawPath ?? ''),
      status: response?.statusCode,
      ms: Date.now() - (started.get(event) ?? Date.now()),
    });
  };
  return {
    before: async (request) => {
      started.set(request.event, Date.now());
    },
    after: async (request) => log(request.event, request.response),
    onError: async (request) => {
      const mapped = statusOf(request.error);
      const requestId = request.context?.awsRequestId ?? request.event.requestContext?.requestId ?? 'local';
      if (mapped) {
        const extra = request.error instanceof DomainError ? request.error.context : {};
        request.response = json(mapped.status, { errors: mapped.errors, ...extra });
      } else {
        const error = request.error;
        logger.error('unhandled error', {
          errorName: error?.name ?? 'unknown',
          // the first stack line repeats the message, which may hold input values: keep only the frames
          stack: error?.stack?.split('\n').slice(1, 8).join('\n'),
          requestId,
        });
        request.response = json(500, { errors: [{ path: '', message: msg('request.internal') }], requestId });
      }
      log(request.event, request.response);
    },
  };
}

/** The path with ids replaced, so logs never carry an elder's id next to other facts. */
export function routeTemplate(path: string): string {
  return path
    .replace(
      /\/api\/(elders|imports|contacts|cases|campaigns)\/(?!preview$|templates$|cap$)[^/]+/,
      '/api/$1/{id}',
    )
    .replace(/^\/v\/[^/]+/, '/v/{token}'); // visit links: the token names an elder and a contact
}

export type HttpRoute = Route<HttpEvent, HttpResult>;

/**
 * One Lambda handler (API Gateway HTTP API, payload 2.0) for a set of routes, behind the HTTP edge.
 * It lives here, apart from the admin routes, so the other HTTP Lambdas (imports, reports, visit page)
 * do not bundle the admin API's routes and their libraries (the lunar calendar, the CAP parser).
 */
export function makeHttp(routes: readonly HttpRoute[], logger: Logger) {
  return middy<HttpEvent, HttpResult>()
    .use(httpEdge(logger))
    .handler(httpRouterHandler<HttpEvent, HttpResult>([...routes]));
}
