import { randomUUID } from 'node:crypto';
import {
  absenceInputSchema,
  declareAbsence,
  endAbsence,
  isAway,
  resumeAt,
} from '../../shared/absences/absence.js';
import { DomainError } from '../../shared/errors.js';
import { endAbsenceEarly, listAbsences, putAbsence } from '../../shared/store/absences.js';
import { dateInPolicyZone, isoInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { actorOfPrincipal, elderInScope, principalOf } from './auth.js';
import { type HttpEvent, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Absences in the console (issue 16 part 2): declare one for an elder, end one early, list them with
 * whether the elder is away now and when check-ins resume. Anyone signed in who sees the elder; an
 * elder they do not see answers exactly as a missing one.
 */
export function absenceRoutes(deps: ApiDeps) {
  const declareRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    const body = jsonBody(event);
    const elder = await elderInScope(deps.db, principal, id);
    const input = parseOrThrow(absenceInputSchema, body);
    const now = deps.now();
    const { actor } = actorOfPrincipal(principal, now);
    const absence = declareAbsence({
      id: randomUUID(),
      elder,
      input,
      who: input.declaredBy ?? 'staff',
      via: 'console',
      ref: actor,
      today: dateInPolicyZone(now),
      now,
    });
    await putAbsence(deps.db, absence);
    return json(201, absence, { location: `/api/elders/${id}/absences` });
  };

  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    const items = await listAbsences(deps.db, id);
    const now = deps.now();
    const back = resumeAt(items, now);
    return json(200, {
      items,
      away: isAway(items, now),
      ...(back ? { resumeAt: isoInPolicyZone(back) } : {}),
    });
  };

  const endRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    const absenceId = event.pathParameters?.absenceId ?? '';
    const now = deps.now();
    const absence = ID.test(absenceId)
      ? (await listAbsences(deps.db, id)).find((a) => a.id === absenceId)
      : undefined;
    if (!absence) throw new DomainError('absence.notFound', 404, 'absenceId');
    const { actor } = actorOfPrincipal(principal, now);
    const ended = endAbsence(absence, actor, now);
    if (ended === absence) return json(200, absence);
    return json(200, await endAbsenceEarly(deps.db, absence, actor, now.toISOString()));
  };

  return [
    { method: 'POST', path: '/api/elders/{id}/absences', handler: declareRoute },
    { method: 'GET', path: '/api/elders/{id}/absences', handler: listRoute },
    { method: 'POST', path: '/api/elders/{id}/absences/{absenceId}/end', handler: endRoute },
  ] as const;
}
