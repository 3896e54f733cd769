import { Logger } from '@aws-lambda-powertools/logger';
import { LOCAL_DEV_CAP_SECRET } from '../../shared/campaigns/cap.js';
import { LOCAL_DEV_LINK_SECRET } from '../../shared/homevisits/links.js';
import { LOCAL_DEV_SIGNALS_SECRET } from '../../shared/signals/ingest.js';
import type { CampaignApiDeps } from '../campaigns/routes.js';
import { importRoutes } from '../imports/routes.js';
// reports (issue 4): begin
import { importTemplateRoutes } from '../reports/import-template.js';
import { registerExportRoutes } from '../reports/register-export.js';
import { reportRoutes } from '../reports/routes.js';
// reports (issue 4): end
import { followUpRoutes, visitPageRoutes } from '../visit-page/routes.js';
import { adminRoutes } from './app.js';
import { makeHttp } from './http.js';
import type { ApiDeps } from './routes.js';
import type { SignalApiDeps } from './signal-routes.js';

/**
 * Every HTTP route in one handler, as the local stack and the tests serve them. On AWS the same
 * routes are split between the admin API Lambda and the imports Lambda behind one HTTP API.
 */
export function makeApi(
  deps: ApiDeps & Partial<CampaignApiDeps> & Partial<SignalApiDeps> & { linkSecret?: string },
  logger = new Logger({ serviceName: 'anxin-api' }),
) {
  // visit links: local and tests only sign with the public dev secret unless given another
  const linkSecret = deps.linkSecret ?? LOCAL_DEV_LINK_SECRET;
  return makeHttp(
    [
      // campaigns (issue 5): CAP alerts locally signed with the public dev secret unless given another
      // signals (issue 16): vendor batches locally signed with the public dev secret unless given another
      ...adminRoutes({
        ...deps,
        capSecret: deps.capSecret ?? LOCAL_DEV_CAP_SECRET,
        signalsSecret: deps.signalsSecret ?? LOCAL_DEV_SIGNALS_SECRET,
      }),
      ...importRoutes(deps),
      // visit page (issue 4): begin
      ...followUpRoutes(deps),
      ...visitPageRoutes({ ...deps, linkSecret }),
      // visit page (issue 4): end
      // reports (issue 4): begin
      ...reportRoutes(deps),
      // reports (issue 4): end
      // register export (issue 13)
      ...registerExportRoutes(deps),
      ...importTemplateRoutes(deps),
    ],
    logger,
  );
}
