import * as z from 'zod';
import { DomainError, ElderNotFound } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { type Case, CLOSURES, closeCase } from '../../shared/phone/case.js';
import { maskPhone } from '../../shared/registration/phone.js';
import { getElder } from '../../shared/store/elders.js';
import { getCase, listCases, listCheckIns, StaleItem, saveCase } from '../../shared/store/phone.js';
import { parseOrThrow } from '../../shared/validation.js';
import { type HttpEvent, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, actorOf, pathId } from './routes.js';

export const CASE_STATUSES = ['open', 'acknowledged', 'closed'] as const;

/** How many of a county's newest cases the list reads (the store has no status index yet). */
const LIST_LIMIT = 200;
const CLOSE_TRIES = 5;

/** The body of POST /api/cases/{id}/close. */
export const closeCaseBody = z.strictObject({
  closure: z.enum(CLOSURES),
  note: z.string().trim().min(1).max(500).optional(),
});
export type CloseCaseBody = z.output<typeof closeCaseBody>;

const CASE_ID = /^[A-Za-z0-9-]{1,64}$/;
function caseId(event: HttpEvent): string {
  const id = event.pathParameters?.id;
  if (!id || !CASE_ID.test(id)) throw new DomainError('case.notFound', 404, 'id');
  return id;
}

/** A case as staff see it: every number in the ladder masked to its last four digits. */
export function maskedCase(c: Case): Case {
  return { ...c, steps: c.steps.map((s) => ({ ...s, to: maskPhone(s.to) })) };
}

/**
 * Cases opened by phone visits (no response, or help asked) and an elder's check-ins: county staff
 * list them, read the ladder and timeline, and close a case with what happened.
 */
export function caseRoutes(deps: ApiDeps) {
  const listQuery = z.strictObject({
    county: z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown')),
    status: z.enum(CASE_STATUSES).optional(),
  });

  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const q = parseOrThrow(listQuery, event.queryStringParameters ?? {}, ['query']);
    const cases = await listCases(deps.db, q.county, LIST_LIMIT);
    const items = cases.filter((c) => !q.status || c.status === q.status).map(maskedCase);
    return json(200, { items });
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = caseId(event);
    const c = await getCase(deps.db, id);
    if (!c) throw new DomainError('case.notFound', 404, 'id');
    const elder = await getElder(deps.db, c.elderId);
    return json(200, {
      ...maskedCase(c),
      ...(elder ? { elder: { id: elder.id, name: elder.name, region: elder.region } } : {}),
    });
  };

  /** Closes with a version check; another writer in between (an acknowledgement) means read again. */
  const closeRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = caseId(event);
    const body = parseOrThrow(closeCaseBody, jsonBody(event));
    const { actor } = actorOf(event, deps.now());
    for (let tries = 1; tries <= CLOSE_TRIES; tries++) {
      const current = await getCase(deps.db, id);
      if (!current) throw new DomainError('case.notFound', 404, 'id');
      if (current.status === 'closed') throw new DomainError('case.closed', 409, 'id');
      const now = deps.now();
      const { case: closed } = closeCase(current, body.closure, actor, now, body.note);
      try {
        return json(200, maskedCase(await saveCase(deps.db, closed, current.version, now)));
      } catch (error) {
        if (!(error instanceof StaleItem)) throw error;
      }
    }
    throw new DomainError('case.conflict', 409, 'id');
  };

  const checkInsRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = pathId(event);
    if (!(await getElder(deps.db, id))) throw new ElderNotFound(id);
    return json(200, { items: await listCheckIns(deps.db, id) });
  };

  return [
    { method: 'GET', path: '/api/cases', handler: listRoute },
    { method: 'GET', path: '/api/cases/{id}', handler: getRoute },
    { method: 'POST', path: '/api/cases/{id}/close', handler: closeRoute },
    { method: 'GET', path: '/api/elders/{id}/check-ins', handler: checkInsRoute },
  ] as const;
}
