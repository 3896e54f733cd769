import * as z from 'zod';
import type { PolicyConfig } from '../../shared/config.js';
import { ElderNotFound } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { classify } from '../../shared/policy/classify.js';
import type { Actor } from '../../shared/register/elder.js';
import { parseRegistration, registerElder, updateElder } from '../../shared/register/service.js';
import { CATEGORIES } from '../../shared/registration/fields.js';
import { isoDateField } from '../../shared/registration/schema.js';
import type { Db } from '../../shared/store/client.js';
import { getElder, listAudit, listEldersByCounty, listRefusals } from '../../shared/store/elders.js';
import { dateInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { elderCompliance, recordVisit } from '../../shared/visits/record.js';
import { type HttpEvent, HttpFailure, type HttpResult, json, jsonBody } from './http.js';

export interface ApiDeps {
  db: Db;
  policy: PolicyConfig;
  /** the clock, injected so tests can pin "today" */
  now: () => Date;
}

/** Who is acting: the IAM principal on AWS; locally the x-anxin-actor header (auth comes later). */
export function actorOf(event: HttpEvent, now: Date): Actor {
  const context = event.requestContext as HttpEvent['requestContext'] & {
    authorizer?: { iam?: { userArn?: string } };
  };
  const actor = context.authorizer?.iam?.userArn ?? event.headers?.['x-anxin-actor'] ?? 'anonymous';
  return { actor: actor.slice(0, 200), now };
}

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

  const classifyRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const { on } = query(z.strictObject({ on: isoDateField.optional() }), event);
    const registration = parseRegistration(deps.policy, jsonBody(event));
    return json(200, classify(registration, on ?? dateInPolicyZone(deps.now()), deps.policy));
  };

  const createRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const now = deps.now();
    const elder = await registerElder(deps, jsonBody(event), actorOf(event, now));
    return json(201, elder, { location: `/api/elders/${elder.id}` });
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = pathId(event);
    const elder = await getElder(deps.db, id);
    if (!elder) throw new ElderNotFound(id);
    return json(200, elder);
  };

  const patchRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = pathId(event);
    const body = jsonBody(event);
    return json(200, await updateElder(deps, id, body, actorOf(event, deps.now())));
  };

  const listQuery = z.strictObject({
    county: countyField.optional(),
    category: z.enum(CATEGORIES).optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  });
  /** Lists elders of one county, or of every county in turn with one cursor across them. */
  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const q = query(listQuery, event);
    const scope = q.county ? [q.county] : counties;
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
      items.push(...page.items);
      next = page.cursor ? { c: next.c, k: page.cursor } : { c: next.c + 1 };
    }
    const cursor =
      next && next.c < scope.length ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined;
    return json(200, { items, ...(cursor ? { cursor } : {}) });
  };

  const auditRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = pathId(event);
    if (!(await getElder(deps.db, id))) throw new ElderNotFound(id);
    return json(200, { audit: await listAudit(deps.db, id), refusals: await listRefusals(deps.db, id) });
  };

  const complianceRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = pathId(event);
    const now = deps.now();
    const { month } = query(z.strictObject({ month: monthField.optional() }), event);
    return json(200, await elderCompliance(deps, id, month ?? dateInPolicyZone(now).slice(0, 7), now));
  };

  const visitRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const now = deps.now();
    return json(201, await recordVisit(deps, jsonBody(event), actorOf(event, now)));
  };

  return [
    { method: 'POST', path: '/api/classify', handler: classifyRoute },
    { method: 'POST', path: '/api/elders', handler: createRoute },
    { method: 'GET', path: '/api/elders', handler: listRoute },
    { method: 'GET', path: '/api/elders/{id}', handler: getRoute },
    { method: 'PATCH', path: '/api/elders/{id}', handler: patchRoute },
    { method: 'GET', path: '/api/elders/{id}/audit', handler: auditRoute },
    { method: 'GET', path: '/api/elders/{id}/compliance', handler: complianceRoute },
    { method: 'POST', path: '/api/visits', handler: visitRoute },
  ] as const;
}
