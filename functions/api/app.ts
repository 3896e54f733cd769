import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { caseRoutes } from './case-routes.js';
import { contactRoutes } from './contact-routes.js';
import { type HttpEvent, type HttpResult, httpEdge, json } from './http.js';
import { type ApiDeps, elderRoutes } from './routes.js';

export type HttpRoute = Route<HttpEvent, HttpResult>;

/** One Lambda handler (API Gateway HTTP API, payload 2.0) for a set of routes, behind the HTTP edge. */
export function makeHttp(routes: readonly HttpRoute[], logger: Logger) {
  return middy<HttpEvent, HttpResult>()
    .use(httpEdge(logger))
    .handler(httpRouterHandler<HttpEvent, HttpResult>([...routes]));
}

/** The routes of the admin API Lambda: health, register, visits, compliance, cases, contacts. */
export function adminRoutes(deps: ApiDeps): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    ...elderRoutes(deps),
    ...caseRoutes(deps),
    ...contactRoutes(deps),
  ];
}

/**
 * The admin API Lambda. Spreadsheet imports run in their own Lambda (functions/imports), so the
 * spreadsheet library stays out of this bundle.
 */
export function makeAdminApi(deps: ApiDeps, logger = new Logger({ serviceName: 'anxin-api' })) {
  return makeHttp(adminRoutes(deps), logger);
}
