import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { type HttpEvent, type HttpResult, httpEdge, json } from './http.js';
import { importRoutes } from './import-routes.js';
import { type ApiDeps, elderRoutes } from './routes.js';

/**
 * The admin API as one Lambda handler (API Gateway HTTP API, payload 2.0). The same handler serves
 * the local stack; dependencies are passed in so tests and the local server give their own.
 */
export function makeApi(deps: ApiDeps, logger = new Logger({ serviceName: 'anxin-api' })) {
  const routes: Route<HttpEvent, HttpResult>[] = [
    { method: 'GET', path: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    ...elderRoutes(deps),
    ...importRoutes(deps),
  ];
  return middy<HttpEvent, HttpResult>()
    .use(httpEdge(logger))
    .handler(httpRouterHandler<HttpEvent, HttpResult>(routes));
}
