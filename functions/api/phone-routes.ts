import * as z from 'zod';
import { msg } from '../../shared/i18n/messages.js';
import { type CarrierFaults, DEFAULT_FAULTS } from '../../shared/phone/config.js';
import { carrierHealth } from '../../shared/phone/health.js';
import { parseOrThrow } from '../../shared/validation.js';
import { countiesInScope, principalOf } from './auth.js';
import { type HttpEvent, type HttpResult, json } from './http.js';
import type { ApiDeps } from './routes.js';

/**
 * The carrier's health for the console: per county the caller sees, the attempts and carrier faults
 * over the fault window and whether dialling is paused (it resumes by itself). A city administrator
 * sees every county (or the one asked for); anyone else their own county (another county: 403).
 */
export function phoneRoutes(deps: ApiDeps & { carrierFaults?: CarrierFaults }) {
  const counties = Object.keys(deps.policy.counties).sort();
  const query = z.strictObject({
    county: z
      .string()
      .refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'))
      .optional(),
  });
  const health = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(query, event.queryStringParameters ?? {}, ['query']);
    const scope = countiesInScope(principal, counties, q.county);
    const now = deps.now();
    const faults = deps.carrierFaults ?? DEFAULT_FAULTS;
    const items = await Promise.all(scope.map((county) => carrierHealth(deps.db, county, { faults }, now)));
    return json(200, { generatedAt: now.toISOString(), paused: items.some((i) => i.paused), items });
  };
  return [{ method: 'GET' as const, path: '/api/phone/health', handler: health }];
}
