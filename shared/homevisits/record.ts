import * as z from 'zod';
import type { Contact } from '../contacts/contact.js';
import { type FieldError, ValidationFailed } from '../errors.js';
import { type MessageKey, msg } from '../i18n/messages.js';
import type { Elder } from '../register/elder.js';
import type { Db } from '../store/client.js';
import { getContact } from '../store/contacts.js';
import { getElder } from '../store/elders.js';
import { type FollowUp, openFollowUp } from '../store/followups.js';
import { phoneKeys } from '../store/keys.js';
import { claimOnce, releaseOnce } from '../store/phone.js';
import { listVisits } from '../store/visits.js';
import { dateInPolicyZone, ISO_DATE, isoInPolicyZone } from '../time.js';
import { parseOrErrors } from '../validation.js';
import { completeWith } from '../visits/complete.js';
import { recordVisit, type VisitRecord } from '../visits/record.js';
import { type VisitRecordForm, visitRecordSchema } from '../visits/schema.js';
import type { VisitLink, VisitLinkRefusal } from './links.js';

/** A visit link that cannot be used: refused before anything is read from the form or stored. */
export class VisitLinkRefused extends Error {
  override readonly name = 'VisitLinkRefused';
  constructor(
    readonly reason: VisitLinkRefusal | 'notPaired' | 'elderGone' | 'listReadOnly',
    readonly status: 403 | 410,
  ) {
    super(msg(`visitLink.${reason}` as MessageKey));
  }
}

/** HTTP status of each refusal: an expired link or a gone elder is 410, a bad or foreign link 403. */
export function refusalOf(reason: VisitLinkRefusal): VisitLinkRefused {
  return new VisitLinkRefused(reason, reason === 'expired' ? 410 : 403);
}

/**
 * The surname, the rest masked: the page shows whom it is for without the full name.
 * @example maskName('林小红') // '林**'
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return `${chars[0] ?? ''}${'*'.repeat(Math.max(1, chars.length - 1))}`;
}

/** The elder and contact a link names, while the elder is active and still paired with that contact. */
export async function linkedPair(db: Db, link: VisitLink): Promise<{ elder: Elder; contact?: Contact }> {
  const elder = await getElder(db, link.elderId);
  if (elder?.status !== 'active') throw new VisitLinkRefused('elderGone', 410);
  if (elder.contactId !== link.contactId) throw new VisitLinkRefused('notPaired', 403);
  const contact = await getContact(db, link.contactId);
  return contact ? { elder, contact } : { elder };
}

/** What the page adds to the visit record: the once-only nonce and the follow-up box. */
const envelopeSchema = z.object({
  nonce: z.string().regex(/^[A-Za-z0-9-]{16,64}$/, msg('visitForm.nonce')),
  needsFollowUp: z.boolean().default(false),
});

export interface LinkVisit {
  record: VisitRecordForm;
  needsFollowUp: boolean;
  nonce: string;
}

/**
 * Parses a visit posted through a link: the visit record schema itself (elderId from the link, never
 * from the body) plus the page's nonce and follow-up box. Every problem is listed with its field.
 */
export function parseLinkVisit(body: unknown, elderId: string): LinkVisit {
  const errors: FieldError[] = [];
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const { nonce, needsFollowUp, elderId: given, ...rest } = input;
  if (given !== undefined) errors.push({ path: 'elderId', message: msg('visitForm.elderIdFromLink') });
  const envelope = parseOrErrors(envelopeSchema, { nonce, needsFollowUp });
  if (!envelope.ok) errors.push(...envelope.errors);
  const record = parseOrErrors(visitRecordSchema, { ...rest, elderId });
  if (!record.ok) errors.push(...record.errors);
  if (record.ok && record.value.mode === 'automated') {
    errors.push({ path: 'mode', message: msg('visitForm.modeAutomated') });
  }
  if (errors.length > 0 || !envelope.ok || !record.ok) throw new ValidationFailed(errors);
  return { record: record.value, ...envelope.value };
}

/**
 * The follow-up item a visit opens, if any: a safety risk found, or follow-up asked for (the box, or
 * a follow-up date). One item per visit, with the visit's id.
 * @example followUpFor(visit, false, 'c1', now) // { reason: 'safetyRisk', risks: ['gas'], … } when gas was found
 */
export function followUpFor(
  visit: VisitRecord,
  needsFollowUp: boolean,
  contactId: string,
  now: Date,
): FollowUp | undefined {
  const risks = visit.safetyRisks ?? [];
  if (risks.length === 0 && !needsFollowUp && !visit.followUpOn) return undefined;
  return {
    id: visit.id,
    elderId: visit.elderId,
    contactId,
    visitId: visit.id,
    reason: risks.length > 0 ? 'safetyRisk' : 'needsFollowUp',
    risks: [...risks],
    ...(visit.followUpOn ? { dueOn: visit.followUpOn } : {}),
    openedAt: isoInPolicyZone(now),
    status: 'open',
  };
}

/** The incomplete visit this link's contact recorded by text for this elder on the form's date, if any. */
async function textVisitOf(db: Db, link: VisitLink, visitedAt: string): Promise<VisitRecord | undefined> {
  const date = ISO_DATE.test(visitedAt) ? visitedAt : dateInPolicyZone(new Date(visitedAt));
  const visits = await listVisits(db, link.elderId, date, date);
  return visits.find((v) => v.complete === false && v.recordedBy.startsWith(`contact:${link.contactId}:`));
}

export type LinkVisitResult =
  | { status: 'recorded'; visit: VisitRecord; followUp?: FollowUp }
  | { status: 'duplicate' };

/**
 * Records a visit posted through a verified link: checks the pairing, parses the form, claims its
 * nonce (so a second press of the button records nothing), records the visit as `contact:<id>` and
 * opens a follow-up item when needed. Bad input or a refused visit releases the nonce.
 */
export async function recordLinkVisit(
  deps: { db: Db },
  link: VisitLink,
  body: unknown,
  now: Date,
): Promise<LinkVisitResult> {
  await linkedPair(deps.db, link);
  const form = parseLinkVisit(body, link.elderId);
  const once = phoneKeys.outbox(`visitform-${form.nonce}`);
  if (!(await claimOnce(deps.db, once, now))) return { status: 'duplicate' };
  let visit: VisitRecord;
  try {
    // a home visit this contact recorded by text that day is filled in, not recorded a second time
    const textVisit =
      form.record.mode === 'home' ? await textVisitOf(deps.db, link, form.record.visitedAt) : undefined;
    const { elderId: _e, visitedAt: _a, mode: _m, ...contents } = form.record;
    visit = textVisit
      ? await completeWith(deps, textVisit, contents, { actor: `contact:${link.contactId}`, now })
      : await recordVisit(deps, form.record, { actor: `contact:${link.contactId}`, now });
  } catch (error) {
    await releaseOnce(deps.db, once);
    throw error;
  }
  const followUp = followUpFor(visit, form.needsFollowUp, link.contactId, now);
  if (followUp) await openFollowUp(deps.db, followUp);
  return followUp ? { status: 'recorded', visit, followUp } : { status: 'recorded', visit };
}
