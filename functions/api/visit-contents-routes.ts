import * as z from 'zod';
import { seesPlace } from '../../shared/auth/principal.js';
import { DomainError } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { getElder } from '../../shared/store/elders.js';
import { parseOrThrow } from '../../shared/validation.js';
import { fillInVisit, incompleteVisits } from '../../shared/visits/complete.js';
import { actorOfPrincipal, countiesInScope, elderInScope, principalOf, townshipInScope } from './auth.js';
import { type HttpEvent, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

const VISIT_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Visit records with the plan's contents (issue 14): filling in a visit recorded by text, and what is still to fill in. */
export function visitContentsRoutes(deps: ApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const countyField = z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'));

  /** Anyone who sees the elder fills in a visit recorded by text, within 7 days of it. */
  const fillInRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    const visitId = event.pathParameters?.visitId ?? '';
    if (!VISIT_ID.test(visitId)) throw new DomainError('visit.notFound', 404, 'visitId');
    const now = deps.now();
    return json(200, await fillInVisit(deps, id, visitId, jsonBody(event), actorOfPrincipal(principal, now)));
  };

  const listQuery = z.strictObject({
    county: countyField.optional(),
    township: z.string().max(50).optional(),
  });
  /** The township's (or county's) visits recorded by text and not yet filled in, with their due dates. */
  const incompleteRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(listQuery, event.queryStringParameters ?? {}, ['query']);
    const township = townshipInScope(principal, q.township);
    const now = deps.now();
    const items: unknown[] = [];
    for (const county of countiesInScope(principal, counties, q.county)) {
      for (const visit of await incompleteVisits(deps.db, county, now)) {
        const elder = await getElder(deps.db, visit.elderId);
        if (!elder || !seesPlace(principal, elder.region)) continue;
        if (township !== undefined && elder.region.township !== township) continue;
        items.push({
          ...visit,
          township: elder.region.township,
          village: elder.region.village,
          name: elder.name,
        });
      }
    }
    return json(200, { items });
  };

  return [
    { method: 'PATCH', path: '/api/elders/{id}/visits/{visitId}', handler: fillInRoute },
    { method: 'GET', path: '/api/visits/incomplete', handler: incompleteRoute },
  ] as const;
}
