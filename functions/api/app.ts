import { Logger } from '@aws-lambda-powertools/logger';
import { type CampaignApiDeps, campaignRoutes } from '../campaigns/routes.js';
// roll call, absences, signals (issue 16): begin
import { absenceRoutes } from './absence-routes.js';
import { capacityRoutes } from './capacity-routes.js';
// roll call, absences, signals (issue 16): end
import { caseRoutes } from './case-routes.js';
import { contactRoutes } from './contact-routes.js';
import { type HttpRoute, json, makeHttp } from './http.js';
import { phoneRoutes } from './phone-routes.js';
import { registerRoutes } from './register-routes.js';
import { reviewRoutes } from './review-routes.js';
import { type ApiDeps, elderRoutes } from './routes.js';
import { type SignalApiDeps, signalRoutes } from './signal-routes.js';
import { statsRoutes } from './stats-routes.js';
import { visitContentsRoutes } from './visit-contents-routes.js';

/** The routes of the admin API Lambda: health, register, visits, compliance, cases, contacts, campaigns. */
export function adminRoutes(deps: ApiDeps & Partial<CampaignApiDeps> & Partial<SignalApiDeps>): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    ...elderRoutes(deps),
    ...caseRoutes(deps),
    ...contactRoutes(deps),
    ...campaignRoutes(deps),
    ...statsRoutes(deps),
    // carrier health (issue 11): begin
    ...phoneRoutes(deps),
    // carrier health (issue 11): end
    ...capacityRoutes(deps),
    ...reviewRoutes(deps),
    // the whole register (issue 13)
    ...registerRoutes(deps),
    // roll call, absences, signals (issue 16): begin
    ...absenceRoutes(deps),
    ...signalRoutes(deps),
    // roll call, absences, signals (issue 16): end
    ...visitContentsRoutes(deps),
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
