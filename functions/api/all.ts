import { Logger } from '@aws-lambda-powertools/logger';
import { LOCAL_DEV_LINK_SECRET } from '../../shared/homevisits/links.js';
import { importRoutes } from '../imports/routes.js';
// reports (issue 4): begin
import { reportRoutes } from '../reports/routes.js';
// reports (issue 4): end
import { followUpRoutes, visitPageRoutes } from '../visit-page/routes.js';
import { adminRoutes, makeHttp } from './app.js';
import type { ApiDeps } from './routes.js';

/**
 * Every HTTP route in one handler, as the local stack and the tests serve them. On AWS the same
 * routes are split between the admin API Lambda and the imports Lambda behind one HTTP API.
 */
export function makeApi(
  deps: ApiDeps & { linkSecret?: string },
  logger = new Logger({ serviceName: 'anxin-api' }),
) {
  // visit links: local and tests only sign with the public dev secret unless given another
  const linkSecret = deps.linkSecret ?? LOCAL_DEV_LINK_SECRET;
  return makeHttp(
    [
      ...adminRoutes(deps),
      ...importRoutes(deps),
      // visit page (issue 4): begin
      ...followUpRoutes(deps),
      ...visitPageRoutes({ ...deps, linkSecret }),
      // visit page (issue 4): end
      // reports (issue 4): begin
      ...reportRoutes(deps),
      // reports (issue 4): end
    ],
    logger,
  );
}
