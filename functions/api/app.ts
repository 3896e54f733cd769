import { Logger } from '@aws-lambda-powertools/logger';
import { type CampaignApiDeps, campaignRoutes } from '../campaigns/routes.js';
// roll call, absences, signals (issue 16): begin
import { absenceRoutes } from './absence-routes.js';
// roll call, absences, signals (issue 16): end
import { caseRoutes } from './case-routes.js';
import { contactRoutes } from './contact-routes.js';
import { type HttpRoute, json, makeHttp } from './http.js';
import { type ApiDeps, elderRoutes } from './routes.js';
import { type SignalApiDeps, signalRoutes } from './signal-routes.js';
import { statsRoutes } from './stats-routes.js';

/** The routes of the admin API Lambda: health, register, visits, compliance, cases, contacts, campaigns. */
export function adminRoutes(deps: ApiDeps & Partial<CampaignApiDeps> & Partial<SignalApiDeps>): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    ...elderRoutes(deps),
    ...caseRoutes(deps),
    ...contactRoutes(deps),
    ...campaignRoutes(deps),
    ...statsRoutes(deps),
    // roll call, absences, signals (issue 16): begin
    ...absenceRoutes(deps),
    ...signalRoutes(deps),
    // roll call, absences, signals (issue 16): end
  ];
}

/**
 * The admin API Lambda. Spreadsheet imports run in their own Lambda (functions/imports), so the
 * spreadsheet library stays out of this bundle.
 */
export function makeAdminApi(
  deps: ApiDeps & Partial<CampaignApiDeps> & Partial<SignalApiDeps>,
  logger = new Logger({ serviceName: 'anxin-api' }),
) {
  return makeHttp(adminRoutes(deps), logger);
}
