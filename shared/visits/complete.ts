import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DomainError } from '../errors.js';
import type { Db } from '../store/client.js';
import { completeVisit, listIncompleteVisits, listVisits } from '../store/visits.js';
import { addDaysIso, dateInPolicyZone, type IsoDate, isoInPolicyZone, monthOf } from '../time.js';
import { parseOrThrow } from '../validation.js';
import type { VisitRecord } from './record.js';
import { FILL_IN_DAYS, type VisitContents, visitContentsSchema } from './schema.js';

/** The last day a visit recorded by text may be filled in. @example fillInDue('2025-07-01') // '2025-07-08' */
export const fillInDue = (visitedOn: IsoDate): IsoDate => addDaysIso(visitedOn, FILL_IN_DAYS);

/**
 * Fills in a visit recorded by text with the plan's contents: it becomes complete. Only while it is
 * incomplete and within FILL_IN_DAYS of the visit; who, when and how (home) stay as the text said.
 */
export async function fillInVisit(
  deps: { db: Db },
  elderId: string,
  visitId: string,
  body: unknown,
  by: { actor: string; now: Date },
): Promise<VisitRecord> {
  const contents = parseOrThrow(visitContentsSchema, body);
  const today = dateInPolicyZone(by.now);
  const recent = await listVisits(deps.db, elderId, addDaysIso(today, -(FILL_IN_DAYS + 1)), today);
  const visit = recent.find((v) => v.id === visitId);
  if (!visit) throw new DomainError('visit.notFound', 404, 'visitId');
  return completeWith(deps, visit, contents, by);
}

/** Completes one incomplete visit with contents (shared by the console route and the signed link). */
export async function completeWith(
  deps: { db: Db },
  visit: VisitRecord,
  contents: VisitContents,
  by: { actor: string; now: Date },
): Promise<VisitRecord> {
  if (visit.complete !== false) throw new DomainError('visit.alreadyComplete', 409, 'visitId');
  if (dateInPolicyZone(by.now) > fillInDue(visit.visitedOn))
    throw new DomainError('visit.fillInClosed', 422, 'visitId');
  const filled: VisitRecord = {
    ...visit,
    ...contents,
    visitors: contents.visitors.length > 0 ? contents.visitors : visit.visitors,
    complete: true,
    completedAt: isoInPolicyZone(by.now),
    completedBy: by.actor,
  };
  try {
    await completeVisit(deps.db, filled);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new DomainError('visit.alreadyComplete', 409, 'visitId');
    throw error;
  }
  return filled;
}

/** An incomplete visit as the lists show it: when, whose, by whom, and the day it is due. */
export interface IncompleteVisit {
  elderId: string;
  visitId: string;
  visitedOn: IsoDate;
  county: string;
  /** the contact whose text recorded it */
  contactId: string | undefined;
  due: IsoDate;
  overdue: boolean;
}

/** A county's visits recorded by text and not filled in, of this month and the last (newest first). */
export async function incompleteVisits(db: Db, county: string, now: Date): Promise<IncompleteVisit[]> {
  const today = dateInPolicyZone(now);
  const months = [...new Set([monthOf(addDaysIso(today, -40)), monthOf(today)])];
  const visits = (await Promise.all(months.map((m) => listIncompleteVisits(db, county, m)))).flat();
  return visits
    .map((v) => ({
      elderId: v.elderId,
      visitId: v.id,
      visitedOn: v.visitedOn,
      county: v.county,
      contactId: /^contact:([^:]+)/.exec(v.recordedBy)?.[1],
      due: fillInDue(v.visitedOn),
      overdue: today > fillInDue(v.visitedOn),
    }))
    .sort((a, b) => b.visitedOn.localeCompare(a.visitedOn));
}
