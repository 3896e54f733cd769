import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type Principal, seesCounty, seesPlace } from '../../shared/auth/principal.js';
import { type Contact, type ContactAuditEntry, contactSchema } from '../../shared/contacts/contact.js';
import { DomainError } from '../../shared/errors.js';
import { contactItems } from '../../shared/homevisits/sms.js';
import { msg } from '../../shared/i18n/messages.js';
import { CATEGORIES, type Category } from '../../shared/registration/fields.js';
import {
  getContact,
  listContactAudit,
  listContactsByCounty,
  putContact,
  replaceContact,
} from '../../shared/store/contacts.js';
import { listEldersByCounty } from '../../shared/store/elders.js';
import { getElderProfiles, listPairingHistory, listPairings } from '../../shared/store/pairing.js';
import { addDaysIso, dateInPolicyZone, isoInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import {
  actorOfPrincipal,
  countiesInScope,
  elderInScope,
  forbidden,
  principalOf,
  requireRole,
  townshipInScope,
} from './auth.js';
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
 * due this month), change (both on the contact's audit trail), list by county; the county's unpaired
 * active elders; an elder's pairing history. Pairing itself is the elder's `contactId` (POST / PATCH
 * /api/elders). Administrators create and change contacts of the counties they see; everyone signed
 * in reads those of their county (a township operator, of their township).
 */
export function contactRoutes(deps: ApiDeps) {
  const countyField = z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'));
  const createBody = contactSchema.extend({ county: countyField });
  // no default in a change: a PATCH that does not name the supervisors keeps them
  const patchBody = createBody
    .extend({ supervisors: contactSchema.shape.supervisors.removeDefault() })
    .partial();
  // the city administrator names no county: every county they see
  const countyQuery = z.strictObject({
    county: countyField.optional(),
    township: z.string().trim().min(1).max(50).optional(),
  });
  const counties = Object.keys(deps.policy.counties).sort();

  /** A contact the caller sees, or the 404 of a missing one. */
  const contactInScope = async (principal: Principal, id: string): Promise<Contact> => {
    const contact = await getContact(deps.db, id);
    if (!contact || !seesPlace(principal, contact)) throw new DomainError('contact.notFound', 404, 'id');
    return contact;
  };

  const createRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const form = parseOrThrow(createBody, jsonBody(event));
    if (!seesCounty(principal, form.county)) throw forbidden();
    const now = deps.now();
    const contact: Contact = { id: randomUUID(), ...form, version: 1 };
    const audit: ContactAuditEntry = {
      contactId: contact.id,
      version: 1,
      at: isoInPolicyZone(now),
      actor: actorOfPrincipal(principal, now).actor,
      action: 'create',
      fields: Object.keys(form),
    };
    await putContact(deps.db, contact, audit);
    return json(201, contact, { location: `/api/contacts/${contact.id}` });
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = contactId(event);
    const contact = await contactInScope(principal, id);
    const today = dateInPolicyZone(deps.now());
    const pairings = await listPairings(deps.db, id);
    const codeOf = new Map(pairings.map((p) => [p.elderId, p.code]));
    const elders = (
      await getElderProfiles(
        deps.db,
        pairings.map((p) => p.elderId),
      )
    ).filter((e) => e.status === 'active' && e.contactId === id && seesPlace(principal, e.region));
    const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
    for (const e of elders) byCategory[e.category]++;
    // the load counts only the elders the caller sees
    const seen = new Set(elders.map((e) => e.id));
    const items = (await contactItems(deps, id, today)).items.filter((i) => seen.has(i.elderId));
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

  /** Changes a contact the caller sees; moving it to a county they do not see is refused. */
  const patchRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const id = contactId(event);
    const patch = parseOrThrow(patchBody, jsonBody(event));
    const before = await contactInScope(principal, id);
    if (patch.county !== undefined && !seesCounty(principal, patch.county)) throw forbidden();
    const now = deps.now();
    const version = (before.version ?? 0) + 1;
    const after: Contact = { ...before, ...patch, id, version };
    await replaceContact(deps.db, before, after, {
      contactId: id,
      version,
      at: isoInPolicyZone(now),
      actor: actorOfPrincipal(principal, now).actor,
      action: 'update',
      fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined),
    });
    return json(200, after);
  };

  /** The contact's audit trail, oldest first: who created or changed which fields, and when. */
  const auditRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = contactId(event);
    await contactInScope(principal, id);
    return json(200, { audit: await listContactAudit(deps.db, id) });
  };

  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(countyQuery, event.queryStringParameters ?? {}, ['query']);
    const township = townshipInScope(principal, q.township);
    const items = (
      await Promise.all(
        countiesInScope(principal, counties, q.county).map((c) => listContactsByCounty(deps.db, c)),
      )
    )
      .flat()
      .filter((c) => !township || c.township === township);
    return json(200, {
      items: items.sort(
        (a, b) =>
          a.county.localeCompare(b.county) ||
          a.township.localeCompare(b.township) ||
          a.name.localeCompare(b.name),
      ),
    });
  };

  /**
   * Reads the county's elders page by page (no index of unpaired elders: one county, on demand); a
   * township operator's list holds their township's only.
   */
  const unpairedRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(countyQuery, event.queryStringParameters ?? {}, ['query']);
    const township = townshipInScope(principal, q.township);
    const items: unknown[] = [];
    for (const county of countiesInScope(principal, counties, q.county)) {
      let cursor: string | undefined;
      do {
        const page = await listEldersByCounty(deps.db, { county, limit: PAGE, cursor });
        for (const e of page.items) {
          if (
            e.status === 'active' &&
            !e.contactId &&
            seesPlace(principal, e.region) &&
            (!township || e.region.township === township)
          )
            items.push({ id: e.id, name: e.name, category: e.category, region: e.region });
        }
        cursor = page.cursor;
      } while (cursor);
    }
    return json(200, { items });
  };

  const historyRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    return json(200, { items: await listPairingHistory(deps.db, id) });
  };

  return [
    { method: 'POST', path: '/api/contacts', handler: createRoute },
    { method: 'GET', path: '/api/contacts', handler: listRoute },
    { method: 'GET', path: '/api/contacts/{id}', handler: getRoute },
    { method: 'PATCH', path: '/api/contacts/{id}', handler: patchRoute },
    { method: 'GET', path: '/api/contacts/{id}/audit', handler: auditRoute },
    { method: 'GET', path: '/api/elders/unpaired', handler: unpairedRoute },
    { method: 'GET', path: '/api/elders/{id}/pairings', handler: historyRoute },
  ] as const;
}
