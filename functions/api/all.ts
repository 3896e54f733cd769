import { Logger } from '@aws-lambda-powertools/logger';
import { importRoutes } from '../imports/routes.js';
import { adminRoutes, makeHttp } from './app.js';
import type { ApiDeps } from './routes.js';

/**
 * Every HTTP route in one handler, as the local stack and the tests serve them. On AWS the same
 * routes are split between the admin API Lambda and the imports Lambda behind one HTTP API.
 */
export function makeApi(deps: ApiDeps, logger = new Logger({ serviceName: 'anxin-api' })) {
  return makeHttp([...adminRoutes(deps), ...importRoutes(deps)], logger);
}
