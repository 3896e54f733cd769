import * as z from 'zod';
import type { Principal } from '../../shared/auth/principal.js';
import { msg } from '../../shared/i18n/messages.js';
import { searchQuerySchema, searchRows } from '../../shared/register/search.js';
import { readRows } from '../../shared/register/search-service.js';
import { updateElder } from '../../shared/register/service.js';
import { CATEGORIES, ELDER_STATUS } from '../../shared/registration/fields.js';
import { listExports } from '../../shared/store/exports.js';
import { parseOrThrow } from '../../shared/validation.js';
import {
  actorOfPrincipal,
  countiesInScope,
  elderInScope,
  principalOf,
  requireRole,
  townshipInScope,
} from './auth.js';
import { type HttpEvent, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

const statusBody = z.strictObject({
  status: z.enum(ELDER_STATUS),
  note: z.string().trim().min(1, msg('text.required')).max(200).optional(),
});
const categoryBody = z.strictObject({
  category: z.enum(CATEGORIES),
  reason: z.string().trim().min(1, msg('category.reasonRequired')).max(200),
});

/**
 * The whole register on the server (issue 13, part 2): search with filters, totals, sort and pages;
 * the list of register exports (the XLSX itself is functions/reports/register-export.ts); status and category changes with a reason.
 */
export function registerRoutes(deps: ApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const query = searchQuerySchema.extend({
    county: z
      .string()
      .refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'))
      .optional(),
  });

  const scopeOf = (
    principal: Principal,
    q: { county?: string | undefined; township?: string | undefined },
  ) => ({
    counties: countiesInScope(principal, counties, q.county),
    township: townshipInScope(principal, q.township),
  });

  const searchRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(query, event.queryStringParameters ?? {}, ['query']);
    const scope = scopeOf(principal, q);
    const { today, rows, overdue } = await readRows(deps, principal, scope, q);
    return json(200, searchRows(rows, q, scope.counties, today, overdue));
  };

  /** The exports on the audit trail: administrators, of the counties they see (and the city's, for the city). */
  const exportsRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const q = parseOrThrow(
      z.strictObject({ county: query.shape.county }),
      event.queryStringParameters ?? {},
      ['query'],
    );
    const scope = countiesInScope(principal, counties, q.county);
    const partitions = principal.role === 'cityAdmin' && q.county === undefined ? [...scope, 'city'] : scope;
    const items = (await Promise.all(partitions.map((p) => listExports(deps.db, p)))).flat();
    return json(200, { items: items.sort((a, b) => b.at.localeCompare(a.at)) });
  };

  /** Marks an elder in hospital, moved away, died or left (check-ins stop, history stays), or active again. */
  const statusRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const id = pathId(event);
    const body = parseOrThrow(statusBody, jsonBody(event));
    await elderInScope(deps.db, principal, id);
    const actor = actorOfPrincipal(principal, deps.now());
    return json(200, await updateElder(deps, id, { status: body.status }, actor, 'update', body.note));
  };

  /** Raises an elder's category with a reason (lower than the plan's rules give: 422). */
  const categoryRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const id = pathId(event);
    const body = parseOrThrow(categoryBody, jsonBody(event));
    await elderInScope(deps.db, principal, id);
    const actor = actorOfPrincipal(principal, deps.now());
    return json(200, await updateElder(deps, id, { categoryOverride: body }, actor));
  };

  return [
    { method: 'GET', path: '/api/elders/search', handler: searchRoute },
    { method: 'GET', path: '/api/exports', handler: exportsRoute },
    { method: 'POST', path: '/api/elders/{id}/status', handler: statusRoute },
    { method: 'POST', path: '/api/elders/{id}/category', handler: categoryRoute },
  ] as const;
}
