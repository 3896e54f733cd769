import * as z from 'zod';
import { type Principal, seesCounty, seesPlace, visibleCounties } from '../../shared/auth/principal.js';
import type { PolicyConfig } from '../../shared/config.js';
import { ContactNotFound, DomainError, ElderAlreadyRegistered, ElderNotFound } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { classify } from '../../shared/policy/classify.js';
import type { Elder } from '../../shared/register/elder.js';
import { parseRegistration, registerParsed, updateElder } from '../../shared/register/service.js';
import { CATEGORIES } from '../../shared/registration/fields.js';
import { isoDateField } from '../../shared/registration/schema.js';
import type { Db } from '../../shared/store/client.js';
import { getContact } from '../../shared/store/contacts.js';
import { getElder, listAudit, listEldersByCounty, listRefusals } from '../../shared/store/elders.js';
import { dateInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { elderCompliance, recordVisit } from '../../shared/visits/record.js';
import { visitRecordSchema } from '../../shared/visits/schema.js';
import {
  actorOfPrincipal,
  countiesInScope,
  elderInScope,
  forbidden,
  principalOf,
  requireRole,
} from './auth.js';
import { type HttpEvent, HttpFailure, type HttpResult, json, jsonBody } from './http.js';
import { elderTimeline } from './timeline.js';

export interface ApiDeps {
  db: Db;
  policy: PolicyConfig;
  /** the clock, injected so tests can pin "today" */
  now: () => Date;
}

/**
 * A contact an elder is paired with must be one the caller sees: another county's contact answers
 * exactly as a missing one (the store refuses missing ones the same way).
 */
export async function checkContactInScope(db: Db, principal: Principal, contactId: unknown): Promise<void> {
  if (typeof contactId !== 'string' || principal.role === 'cityAdmin') return;
  const contact = await getContact(db, contactId);
  if (contact && !seesCounty(principal, contact.county)) throw new ContactNotFound(contactId);
}

/** An id no elder has: a PATCH of an elder the caller does not see is answered as for this one. */
const NO_ELDER = 'not-an-elder';

const ID = /^[A-Za-z0-9-]{1,64}$/;
/** The {id} path parameter; anything that cannot be an id is simply not found. */
export function pathId(event: HttpEvent): string {
  const id = event.pathParameters?.id;
  if (!id || !ID.test(id)) throw new ElderNotFound('?');
  return id;
}

const query = <T extends z.ZodType>(schema: T, event: HttpEvent): z.output<T> =>
  parseOrThrow(schema, event.queryStringParameters ?? {}, ['query']);

const monthField = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, msg('month.format'));

export function elderRoutes(deps: ApiDeps) {
  const countyField = z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'));
  const counties = Object.keys(deps.policy.counties).sort();

  /**
   * A person already registered (same ID number) is a 409 whoever asks: one person, one record. Only
   * a caller who sees that elder is told which elder it is.
   */
  const duplicateAsSeenBy = async (principal: Principal, error: unknown): Promise<unknown> => {
    if (!(error instanceof ElderAlreadyRegistered)) return error;
    const existing = await getElder(deps.db, error.existingElderId);
    return existing && seesPlace(principal, existing.region)
      ? error
      : new DomainError('elder.duplicate', 409, 'idNumber');
  };

  /** Pure: anyone signed in may classify a form. */
  const classifyRoute = async (event: HttpEvent): Promise<HttpResult> => {
    principalOf(event);
    const { on } = query(z.strictObject({ on: isoDateField.optional() }), event);
    const registration = parseRegistration(deps.policy, jsonBody(event));
    return json(200, classify(registration, on ?? dateInPolicyZone(deps.now()), deps.policy));
  };

  /**
   * Administrators register elders of the counties they see. A person already registered in a county
   * the caller does not see is still a 409 (one person, one record), but without that elder's id.
   */
  const createRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const now = deps.now();
    const registration = parseRegistration(deps.policy, jsonBody(event));
    if (!seesCounty(principal, registration.region.county)) throw forbidden();
    await checkContactInScope(deps.db, principal, registration.contactId);
    try {
      const elder = await registerParsed(deps, registration, actorOfPrincipal(principal, now));
      return json(201, elder, { location: `/api/elders/${elder.id}` });
    } catch (error) {
      throw await duplicateAsSeenBy(principal, error);
    }
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    return json(200, await elderInScope(deps.db, principal, pathId(event)));
  };

  /**
   * Administrators change elders they see, and may not move one to a county they do not see. An elder
   * they do not see is answered exactly as a missing one (the body is checked first, as for those).
   */
  const patchRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const id = pathId(event);
    const body = jsonBody(event);
    const actor = actorOfPrincipal(principal, deps.now());
    const before = await getElder(deps.db, id);
    if (!before || !seesPlace(principal, before.region)) {
      await updateElder(deps, NO_ELDER, body, actor);
      throw new ElderNotFound(id);
    }
    const change = (body ?? {}) as { region?: { county?: unknown }; contactId?: unknown };
    if (typeof change === 'object' && typeof change.region?.county === 'string') {
      if (!seesCounty(principal, change.region.county)) throw forbidden();
    }
    if (typeof change === 'object') await checkContactInScope(deps.db, principal, change.contactId);
    try {
      return json(200, await updateElder(deps, id, body, actor));
    } catch (error) {
      throw await duplicateAsSeenBy(principal, error);
    }
  };

  const listQuery = z.strictObject({
    county: countyField.optional(),
    category: z.enum(CATEGORIES).optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  });
  /**
   * Lists elders of one county, or of every county the caller sees in turn with one cursor across
   * them; a township operator's list holds their township's elders only.
   */
  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = query(listQuery, event);
    const scope = countiesInScope(principal, counties, q.county);
    const shown = (e: Pick<Elder, 'region'>) => seesPlace(principal, e.region);
    let position: { c: number; k?: string } = { c: 0 };
    if (q.cursor) {
      try {
        position = z
          .object({ c: z.number().int().min(0).max(scope.length), k: z.string().optional() })
          .parse(JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')));
      } catch {
        throw new HttpFailure(400, [{ path: 'query.cursor', message: msg('request.badQuery') }]);
      }
    }
    const items: unknown[] = [];
    let next: { c: number; k?: string } | undefined = position;
    while (next && next.c < scope.length && items.length < q.limit) {
      const county = scope[next.c] as string;
      let page: Awaited<ReturnType<typeof listEldersByCounty>>;
      try {
        page = await listEldersByCounty(deps.db, {
          county,
          category: q.category,
          limit: q.limit - items.length,
          cursor: next.k,
        });
      } catch (error) {
        if (next.k && (error as Error).name !== 'ResourceNotFoundException') {
          throw new HttpFailure(400, [{ path: 'query.cursor', message: msg('request.badQuery') }]);
        }
        throw error;
      }
      items.push(...page.items.filter(shown));
      next = page.cursor ? { c: next.c, k: page.cursor } : { c: next.c + 1 };
    }
    const cursor =
      next && next.c < scope.length ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined;
    return json(200, { items, ...(cursor ? { cursor } : {}) });
  };

  const auditRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    return json(200, { audit: await listAudit(deps.db, id), refusals: await listRefusals(deps.db, id) });
  };

  const complianceRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    const now = deps.now();
    const { month } = query(z.strictObject({ month: monthField.optional() }), event);
    await elderInScope(deps.db, principal, id);
    return json(200, await elderCompliance(deps, id, month ?? dateInPolicyZone(now).slice(0, 7), now));
  };

  /** Anyone signed in records visits of elders they see; others answer as a missing elder (422). */
  const visitRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const now = deps.now();
    const body = jsonBody(event);
    const { elderId } = parseOrThrow(visitRecordSchema, body);
    const elder = await getElder(deps.db, elderId);
    if (elder && !seesPlace(principal, elder.region)) throw new DomainError('elder.notFound', 422, 'elderId');
    return json(201, await recordVisit(deps, body, actorOfPrincipal(principal, now)));
  };

  /** The elder's timeline, newest first: check-ins, visits, cases, follow-ups and kept texts. */
  const timelineRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    const { limit } = query(
      z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      event,
    );
    const elder = await elderInScope(deps.db, principal, id);
    return json(200, { items: await elderTimeline(deps.db, elder, dateInPolicyZone(deps.now()), limit) });
  };

  /** Who the caller is, and the counties they see with their names. */
  const meRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const caller = principalOf(event);
    const { sub: _sub, ...principal } = caller;
    return json(200, {
      ...principal,
      counties: visibleCounties(caller, counties).map((code) => ({ code, ...deps.policy.counties[code] })),
      // the server's clock, so the console's "today" and "this month" agree with the system's
      now: deps.now().toISOString(),
    });
  };

  return [
    { method: 'GET', path: '/api/me', handler: meRoute },
    { method: 'POST', path: '/api/classify', handler: classifyRoute },
    { method: 'POST', path: '/api/elders', handler: createRoute },
    { method: 'GET', path: '/api/elders', handler: listRoute },
    { method: 'GET', path: '/api/elders/{id}', handler: getRoute },
    { method: 'PATCH', path: '/api/elders/{id}', handler: patchRoute },
    { method: 'GET', path: '/api/elders/{id}/audit', handler: auditRoute },
    { method: 'GET', path: '/api/elders/{id}/compliance', handler: complianceRoute },
    { method: 'GET', path: '/api/elders/{id}/timeline', handler: timelineRoute },
    { method: 'POST', path: '/api/visits', handler: visitRoute },
  ] as const;
}
