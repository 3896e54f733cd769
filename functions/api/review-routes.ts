import * as z from 'zod';
import { seesPlace } from '../../shared/auth/principal.js';
import { ElderNotFound } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { decideReview, scanForReview } from '../../shared/register/review.js';
import { getElder } from '../../shared/store/elders.js';
import { listReviews } from '../../shared/store/reviews.js';
import { parseOrThrow } from '../../shared/validation.js';
import { actorOfPrincipal, countiesInScope, principalOf, requireRole } from './auth.js';
import { type HttpEvent, HttpFailure, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

const decisionSchema = z.strictObject({
  decision: z.enum(['accept', 'keep']),
  reason: z.string().trim().min(1, msg('review.reasonRequired')).max(200),
});

/** The category review list (issue 14): who the definitions would move, and staff's decisions. */
export function reviewRoutes(deps: ApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const countyField = z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'));

  const listQuery = z.strictObject({
    county: countyField.optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  });
  /** A county's list (or each county the caller sees in turn); a township operator's township only. */
  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(listQuery, event.queryStringParameters ?? {}, ['query']);
    const scope = countiesInScope(principal, counties, q.county);
    let position: { c: number; k?: string } = { c: 0 };
    if (q.cursor) {
      try {
        position = z
          .object({ c: z.number().int().min(0).max(scope.length), k: z.string().max(200).optional() })
          .parse(JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')));
      } catch {
        throw new HttpFailure(400, [{ path: 'query.cursor', message: msg('request.badQuery') }]);
      }
    }
    const items: unknown[] = [];
    let next: { c: number; k?: string } | undefined = position;
    while (next && next.c < scope.length && items.length < q.limit) {
      const page = await listReviews(deps.db, scope[next.c] as string, {
        limit: q.limit - items.length,
        cursor: next.k,
      });
      items.push(...page.items.filter((i) => seesPlace(principal, i)));
      next = page.cursor ? { c: next.c, k: page.cursor } : { c: next.c + 1 };
    }
    const cursor =
      next && next.c < scope.length ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined;
    return json(200, { items, ...(cursor ? { cursor } : {}) });
  };

  /** Lists a county's elders whose category the definitions in force would change; changes nobody. */
  const scanRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const { county } = parseOrThrow(z.strictObject({ county: countyField }), jsonBody(event));
    countiesInScope(principal, counties, county);
    return json(200, await scanForReview(deps, county, deps.now()));
  };

  /** Staff confirm (accept) or keep the category of an elder on the list; audited. */
  const decideRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const id = pathId(event);
    const body = parseOrThrow(decisionSchema, jsonBody(event));
    const elder = await getElder(deps.db, id);
    if (!elder || !seesPlace(principal, elder.region)) throw new ElderNotFound(id);
    return json(200, await decideReview(deps, id, body, actorOfPrincipal(principal, deps.now())));
  };

  return [
    { method: 'GET', path: '/api/reviews', handler: listRoute },
    { method: 'POST', path: '/api/reviews/scan', handler: scanRoute },
    { method: 'POST', path: '/api/elders/{id}/review', handler: decideRoute },
  ] as const;
}
