import * as z from 'zod';
import { msg } from '../../shared/i18n/messages.js';
import { adviseForCounties } from '../../shared/phone/capacity.js';
import { getForecast } from '../../shared/store/capacity.js';
import { parseOrThrow } from '../../shared/validation.js';
import { countiesInScope, requireRole } from './auth.js';
import { type HttpEvent, type HttpResult, json } from './http.js';
import type { ApiDeps } from './routes.js';

/**
 * GET /api/capacity?county=: the next 24 hours' calls and SMS parts against what the provider limits
 * carry, from the forecast the planner writes once an hour (one GetItem). The city administrator sees
 * the city (or the county asked for), a county administrator their own county (another: 403).
 */
export function capacityRoutes(deps: ApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const query = z.strictObject({
    county: z
      .string()
      .refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'))
      .optional(),
  });

  const capacity = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const q = parseOrThrow(query, event.queryStringParameters ?? {}, ['query']);
    const scope = countiesInScope(principal, counties, q.county);
    const wholeCity = principal.role === 'cityAdmin' && q.county === undefined;
    const forecast = await getForecast(deps.db);
    return json(200, adviseForCounties(forecast, deps.now(), wholeCity ? undefined : scope));
  };

  return [{ method: 'GET' as const, path: '/api/capacity', handler: capacity }];
}
