import * as z from 'zod';
import { type Principal, seesPlace } from '../../shared/auth/principal.js';
import { DomainError } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { CASE_STATUSES, type Case, CLOSURES, closeCase } from '../../shared/phone/case.js';
import { maskPhone } from '../../shared/registration/phone.js';
import { progressUpdate } from '../../shared/store/campaigns.js';
import { getElder } from '../../shared/store/elders.js';
import { getCase, listCases, listCheckIns, StaleItem, saveCase } from '../../shared/store/phone.js';
import { safeText } from '../../shared/text.js';
import { parseOrThrow } from '../../shared/validation.js';
import { actorOfPrincipal, countiesInScope, elderInScope, principalOf, townshipInScope } from './auth.js';
import { type HttpEvent, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

/** How many of a county's newest cases the list reads (the store has no status index yet). */
const LIST_LIMIT = 200;
const CLOSE_TRIES = 5;

/** The body of POST /api/cases/{id}/close. */
export const closeCaseBody = z.strictObject({
  closure: z.enum(CLOSURES),
  note: safeText('备注 note', 500, { multiline: true }).optional(),
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
 * Staff acknowledge a case from the console: someone is dealing with it, so the ladder stops (no
 * further level is notified). Only an open case can be acknowledged; `by` is the staff member.
 */
export function acknowledgeByStaff(current: Case, by: string, now: Date): Case {
  if (current.status !== 'open') throw new DomainError('case.notOpen', 409, 'id');
  const c: Case = {
    ...current,
    steps: current.steps.map((s) => ({ ...s })),
    timeline: [...current.timeline],
  };
  c.status = 'acknowledged';
  c.acknowledgedAt = now.toISOString();
  c.acknowledgedBy = by;
  delete c.next;
  c.timeline.push({ at: now.toISOString(), event: 'acknowledged', detail: 'staff' });
  return c;
}

/**
 * Cases opened by phone visits (no response, or help asked) and an elder's check-ins: staff list
 * them, read the ladder and timeline, acknowledge a case and close it with what happened. Everyone
 * signed in sees the cases of their county (a township operator, of their township); another
 * county's case answers exactly as a missing one.
 */
export function caseRoutes(deps: ApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const listQuery = z.strictObject({
    county: z
      .string()
      .refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'))
      .optional(),
    status: z.enum(CASE_STATUSES).optional(),
  });

  /** A case the caller sees, or the 404 of a missing one. */
  const caseInScope = async (principal: Principal, id: string): Promise<Case> => {
    const c = await getCase(deps.db, id);
    if (!c || !seesPlace(principal, c)) throw new DomainError('case.notFound', 404, 'id');
    return c;
  };

  /**
   * The newest cases of one county, or of every county the caller sees (the city administrator names
   * none), newest first, with each county's counts side by side.
   */
  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(listQuery, event.queryStringParameters ?? {}, ['query']);
    const scope = countiesInScope(principal, counties, q.county);
    const township = townshipInScope(principal);
    const cases = (await Promise.all(scope.map((county) => listCases(deps.db, county, LIST_LIMIT)))).flat();
    const items = cases
      .filter((c) => (!q.status || c.status === q.status) && (!township || c.township === township))
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.id.localeCompare(b.id))
      .map(maskedCase);
    // the counties side by side: what the list holds of each, by status
    const byCounty = Object.fromEntries(
      scope.map((county) => [county, Object.fromEntries(CASE_STATUSES.map((s) => [s, 0]))]),
    ) as Record<string, Record<(typeof CASE_STATUSES)[number], number>>;
    for (const c of items) {
      const counts = byCounty[c.county];
      if (counts) counts[c.status]++;
    }
    return json(200, { items, byCounty });
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const c = await caseInScope(principal, caseId(event));
    const elder = await getElder(deps.db, c.elderId);
    return json(200, {
      ...maskedCase(c),
      ...(elder ? { elder: { id: elder.id, name: elder.name, region: elder.region } } : {}),
    });
  };

  /**
   * A staff change of a case with a version check; another writer in between (an acknowledgement by
   * text, the ladder climbing) means read again and apply it to what is there now.
   */
  const changeCase = async (
    principal: Principal,
    id: string,
    change: (current: Case, actor: string, now: Date) => Case,
  ): Promise<HttpResult> => {
    for (let tries = 1; tries <= CLOSE_TRIES; tries++) {
      const current = await caseInScope(principal, id);
      if (current.status === 'closed') throw new DomainError('case.closed', 409, 'id');
      const now = deps.now();
      const changed = change(current, actorOfPrincipal(principal, now).actor, now);
      // a campaign's case closed by staff counts in the campaign's progress, with the change itself
      const counts =
        changed.status === 'closed' && changed.campaignId
          ? [progressUpdate(deps.db, changed.campaignId, { casesClosed: 1 })]
          : [];
      try {
        return json(200, maskedCase(await saveCase(deps.db, changed, current.version, now, counts)));
      } catch (error) {
        if (!(error instanceof StaleItem)) throw error;
      }
    }
    throw new DomainError('case.conflict', 409, 'id');
  };

  const closeRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = caseId(event);
    const body = parseOrThrow(closeCaseBody, jsonBody(event));
    return changeCase(
      principal,
      id,
      (current, actor, now) => closeCase(current, body.closure, actor, now, body.note).case,
    );
  };

  const acknowledgeRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    return changeCase(principal, caseId(event), acknowledgeByStaff);
  };

  const checkInsRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    return json(200, { items: await listCheckIns(deps.db, id) });
  };

  return [
    { method: 'GET', path: '/api/cases', handler: listRoute },
    { method: 'GET', path: '/api/cases/{id}', handler: getRoute },
    { method: 'POST', path: '/api/cases/{id}/close', handler: closeRoute },
    { method: 'POST', path: '/api/cases/{id}/acknowledge', handler: acknowledgeRoute },
    { method: 'GET', path: '/api/elders/{id}/check-ins', handler: checkInsRoute },
  ] as const;
}
