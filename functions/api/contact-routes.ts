import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type Contact, contactSchema } from '../../shared/contacts/contact.js';
import { DomainError, ElderNotFound } from '../../shared/errors.js';
import { contactItems } from '../../shared/homevisits/sms.js';
import { msg } from '../../shared/i18n/messages.js';
import { CATEGORIES, type Category } from '../../shared/registration/fields.js';
import { getContact, listContactsByCounty, putContact, replaceContact } from '../../shared/store/contacts.js';
import { getElder, listEldersByCounty } from '../../shared/store/elders.js';
import { getElderProfiles, listPairingHistory, listPairings } from '../../shared/store/pairing.js';
import { addDaysIso, dateInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { type HttpEvent, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

const CONTACT_ID = /^[A-Za-z0-9-]{1,64}$/;
function contactId(event: HttpEvent): string {
  const id = event.pathParameters?.id;
  if (!id || !CONTACT_ID.test(id)) throw new DomainError('contact.notFound', 404, 'id');
  return id;
}

/** Active elders per page while listing a county's unpaired elders. */
const PAGE = 200;

/**
 * Visit contacts and their pairing: create, read with their load (elders by category, home visits
 * due this month), change, list by county; the county's unpaired active elders; an elder's pairing
 * history. Pairing itself is the elder's `contactId` (POST / PATCH /api/elders).
 */
export function contactRoutes(deps: ApiDeps) {
  const countyField = z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'));
  const createBody = contactSchema.extend({ county: countyField });
  const patchBody = createBody.partial();
  const countyQuery = z.strictObject({ county: countyField });

  const createRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const form = parseOrThrow(createBody, jsonBody(event));
    const contact: Contact = { id: randomUUID(), ...form };
    await putContact(deps.db, contact);
    return json(201, contact, { location: `/api/contacts/${contact.id}` });
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = contactId(event);
    const contact = await getContact(deps.db, id);
    if (!contact) throw new DomainError('contact.notFound', 404, 'id');
    const today = dateInPolicyZone(deps.now());
    const pairings = await listPairings(deps.db, id);
    const codeOf = new Map(pairings.map((p) => [p.elderId, p.code]));
    const elders = (
      await getElderProfiles(
        deps.db,
        pairings.map((p) => p.elderId),
      )
    ).filter((e) => e.status === 'active' && e.contactId === id);
    const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
    for (const e of elders) byCategory[e.category]++;
    const { items } = await contactItems(deps, id, today);
    const visits = items.filter((i) => i.kind === 'homeVisit');
    const month = today.slice(0, 7);
    return json(200, {
      ...contact,
      load: {
        elders: elders.length,
        byCategory,
        homeVisitsDueThisMonth: visits.filter((i) => addDaysIso(today, i.daysLeft).slice(0, 7) <= month)
          .length,
        homeVisitsOverdue: visits.filter((i) => i.daysLeft < 0).length,
        openFollowUps: items.length - visits.length,
      },
      elders: elders
        .map((e) => ({
          id: e.id,
          name: e.name,
          category: e.category,
          village: e.region.village,
          code: codeOf.get(e.id) ?? null,
        }))
        .sort((a, b) => (a.code ?? '').localeCompare(b.code ?? '')),
    });
  };

  const patchRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = contactId(event);
    const patch = parseOrThrow(patchBody, jsonBody(event));
    const before = await getContact(deps.db, id);
    if (!before) throw new DomainError('contact.notFound', 404, 'id');
    const after: Contact = { ...before, ...patch, id };
    await replaceContact(deps.db, before, after);
    return json(200, after);
  };

  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const { county } = parseOrThrow(countyQuery, event.queryStringParameters ?? {}, ['query']);
    const items = await listContactsByCounty(deps.db, county);
    return json(200, {
      items: items.sort((a, b) => a.township.localeCompare(b.township) || a.name.localeCompare(b.name)),
    });
  };

  /** Reads the county's elders page by page (no index of unpaired elders: one county, on demand). */
  const unpairedRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const { county } = parseOrThrow(countyQuery, event.queryStringParameters ?? {}, ['query']);
    const items: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEldersByCounty(deps.db, { county, limit: PAGE, cursor });
      for (const e of page.items) {
        if (e.status === 'active' && !e.contactId)
          items.push({ id: e.id, name: e.name, category: e.category, region: e.region });
      }
      cursor = page.cursor;
    } while (cursor);
    return json(200, { items });
  };

  const historyRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const id = pathId(event);
    if (!(await getElder(deps.db, id))) throw new ElderNotFound(id);
    return json(200, { items: await listPairingHistory(deps.db, id) });
  };

  return [
    { method: 'POST', path: '/api/contacts', handler: createRoute },
    { method: 'GET', path: '/api/contacts', handler: listRoute },
    { method: 'GET', path: '/api/contacts/{id}', handler: getRoute },
    { method: 'PATCH', path: '/api/contacts/{id}', handler: patchRoute },
    { method: 'GET', path: '/api/elders/unpaired', handler: unpairedRoute },
    { method: 'GET', path: '/api/elders/{id}/pairings', handler: historyRoute },
  ] as const;
}
